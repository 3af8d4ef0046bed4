-- Processing reads punches by the device's wall clock, because that is what dates them: a day's
-- punches are those of one user between two day changes (an overnight shift crosses midnight).
-- Every lookup names the user (the users of a batch; for a date range, each user in turn), so one
-- index serves them all. Each index on raw_punches also costs every ingest and every
-- "mark processed" update, so there is no second one by wall clock alone.
create index raw_punches_user_local on raw_punches (user_id, punched_at_local);
