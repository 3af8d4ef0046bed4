-- Delivery bookkeeping beyond 0002: a lease so that one record revision is never POSTed by two syncs
-- at once, and the workflow run behind each attempt.

-- A delivery claims its record for as long as its activity may run. The scheduled sync, a manual
-- sync and the retry round run as different workflows and may list the same record; whichever
-- claims it first sends it, the others pass it over. A crashed worker's lease simply runs out, and a
-- retry of the same activity (same owner) may take it back at once.
alter table attendance_days
  add column delivery_lease_owner text,
  add column delivery_lease_until timestamptz;

-- Which workflow made the attempt, so an attempt can be found in the Temporal Web UI.
alter table delivery_attempts add column workflow_id text;
