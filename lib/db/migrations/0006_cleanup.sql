-- What the daily cleanup needs: indexes for pruning the logs, and the running totals of what it
-- removed, so the counters on /metrics never go down.

-- Deleting a poll run sets its punches' poll_run_id to null through the foreign key; without this
-- index every deleted run would scan the whole punch table.
create index raw_punches_poll_run on raw_punches (poll_run_id) where poll_run_id is not null;

-- Log pruning walks the rows older than the cutoff, oldest first, a batch at a time.
create index poll_runs_started on poll_runs (started_at);
create index delivery_attempts_attempted on delivery_attempts (attempted_at);

-- Rows the cleanup removed, by table and by status / outcome. A counter such as
-- bridge_polls_total is the rows still stored plus the rows removed: without this, every night's
-- pruning would look like a counter reset to Prometheus. Updated in the same statement as the delete.
create table cleanup_totals (
  subject                text not null check (subject in ('raw_punches', 'poll_runs', 'delivery_attempts')),
  -- The poll run's status or the attempt's outcome; '' for punches.
  label                  text not null default '',
  removed                bigint not null default 0 check (removed >= 0),
  updated_at             timestamptz not null default now(),
  primary key (subject, label)
);
