-- The API lists punches newest first, by device, and by date (bounded on the instant); deleting a
-- device checks its punches through the foreign key. Both need an index led by these columns.
create index raw_punches_time on raw_punches (punched_at);
create index raw_punches_device_time on raw_punches (device_id, punched_at);
