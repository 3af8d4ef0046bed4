-- Polls at site scale, and a poll log that tells what happened after a fault.

-- Where each device's log stood when its punches were last stored. A terminal's log only grows
-- between clears, so a repeat poll whose read still starts with the same bytes stores only the
-- records past this mark; anything else stores the whole log again (idempotently).
create table device_log_marks (
  device_id              integer primary key references devices (id) on delete cascade,
  record_count           integer not null check (record_count >= 0),
  record_size            smallint not null,
  -- SHA-256 of the first record_count records' bytes.
  prefix_sha256          bytea not null,
  poll_run_id            bigint references poll_runs (id) on delete set null,
  updated_at             timestamptz not null default now()
);

alter table poll_runs
  -- When the attempt opened a session with the terminal: from then on it may have disabled it.
  add column session_opened_at timestamptz,
  -- When the attempt last saw the terminal enabled again (after its reads, or by a session opened
  -- only to enable it). Session opened but never enabled: the terminal may refuse fingerprints.
  add column device_enabled_at timestamptz,
  -- Why even the session that should have enabled the terminal failed.
  add column enable_error text,
  -- Index of the first log record this attempt stored (0 = the whole log; null = nothing stored).
  add column stored_from integer;

-- Runs left 'running' by a dead worker are found by the next attempt and by a sweep.
create index poll_runs_running on poll_runs (device_id) where status = 'running';
