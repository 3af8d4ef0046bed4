-- Daily attendance records (one per user and attendance day), their delivery state, and the audit of
-- every delivery attempt.

alter table raw_punches add column processed_at timestamptz;
-- The processing workflow reads only what it has not seen; this index stays small.
create index raw_punches_unprocessed on raw_punches (id) where processed_at is null;

create table attendance_days (
  id                     bigserial primary key,
  user_id                text not null,
  -- The attendance day (the day the shift started), in the device's timezone.
  date                   date not null,
  clock_in               timestamptz not null,
  clock_in_local         timestamp without time zone not null,
  clock_in_timezone      text not null,
  clock_in_device_id     integer not null references devices (id) on delete restrict,
  clock_out              timestamptz,
  clock_out_local        timestamp without time zone,
  clock_out_timezone     text,
  clock_out_device_id    integer references devices (id) on delete restrict,
  punch_count            integer not null,
  device_ids             integer[] not null,
  punch_ids              bigint[] not null,
  is_outlier             boolean not null default false,
  outlier_reason         text not null default '',
  -- Our own flags beyond the original four ('Missing clock-out', device clock offset, ...).
  flags                  text[] not null default '{}',
  -- Digest of everything the CRM sees or payroll depends on; a new digest bumps the revision.
  content_key            text not null,
  revision               integer not null default 1,
  -- Delivery of the current revision: pending -> delivered | failed (transient, retried by the
  -- retry schedule) | rejected (the CRM refused it; replayed only when asked).
  delivery_status        text not null default 'pending'
                         check (delivery_status in ('pending', 'delivered', 'failed', 'rejected')),
  delivered_revision     integer,
  delivered_at           timestamptz,
  sync_attempts          integer not null default 0,
  last_sync_attempt      timestamptz,
  last_sync_error        text,
  retry_rounds           integer not null default 0,
  created_at             timestamptz not null default now(),
  updated_at             timestamptz not null default now(),
  constraint attendance_days_identity unique (user_id, date)
);

create index attendance_days_date on attendance_days (date);
create index attendance_days_delivery on attendance_days (delivery_status, id) where delivery_status <> 'delivered';

create table delivery_attempts (
  id                     bigserial primary key,
  attendance_day_id      bigint not null references attendance_days (id) on delete cascade,
  revision               integer not null,
  attempt                integer not null,
  idempotency_key        text not null,
  attempted_at           timestamptz not null default now(),
  duration_ms            integer not null,
  outcome                text not null check (outcome in ('delivered', 'transient', 'rejected')),
  http_status            integer,
  error                  text
);

create index delivery_attempts_day on delivery_attempts (attendance_day_id, attempted_at);
