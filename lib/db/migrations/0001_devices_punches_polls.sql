-- Devices, the punches they record, and the log of every poll.

create table devices (
  id                     serial primary key,
  name                   text not null,
  host                   text not null,
  port                   integer not null check (port between 1 and 65535),
  -- The ZKTeco comm key (0 = none). Write-only: never returned by the API or printed.
  comm_key               integer not null default 0 check (comm_key >= 0),
  -- Devices report naive wall-clock time; this IANA zone turns it into instants.
  timezone               text not null,
  enabled                boolean not null default true,
  -- Lets a worker on a site's LAN serve that site's devices; null = the shared device queue.
  task_queue             text,
  clear_log_after_download boolean not null default false,
  -- What the device said about itself at the last successful poll.
  serial_number          text,
  firmware_version       text,
  platform               text,
  reported_name          text,
  user_count             integer,
  record_count           integer,
  record_capacity        integer,
  capacity_warning       boolean not null default false,
  clock_offset_seconds   integer,
  last_poll_at           timestamptz,
  last_success_at        timestamptz,
  last_error             text,
  last_error_at          timestamptz,
  consecutive_failures   integer not null default 0,
  created_at             timestamptz not null default now(),
  updated_at             timestamptz not null default now()
);

create unique index devices_host_port on devices (host, port);

create table poll_runs (
  id                     bigserial primary key,
  device_id              integer not null references devices (id) on delete cascade,
  workflow_id            text,
  attempt                integer not null default 1,
  started_at             timestamptz not null default now(),
  finished_at            timestamptz,
  status                 text not null default 'running' check (status in ('running', 'succeeded', 'failed')),
  fetched                integer not null default 0,
  inserted               integer not null default 0,
  records_on_device      integer,
  clock_offset_seconds   integer,
  log_cleared            boolean not null default false,
  error                  text
);

create index poll_runs_device_started on poll_runs (device_id, started_at desc);

-- Every punch ever read, exactly once.
--
-- Identity: (device_id, user_id, punched_at_local). A ZKTeco log record has no id of its own, and
-- every poll re-reads the whole log, so identity must come from the record's content. A person
-- cannot punch twice in the same second on one terminal, so the device, the user and the device's
-- wall-clock second name one punch; byte-identical duplicates that real logs contain collapse into
-- it, as they should. Verify type and state are left out on purpose: they describe the punch, they
-- do not distinguish punches. The wall-clock time (not the computed UTC instant) is used because it
-- is what the device reported: changing a device's timezone later must not turn old punches into
-- new ones. The device id (not its serial) is used because USB imports and polls must meet on the
-- same key before the serial is known; a device that has punches cannot be deleted, only disabled,
-- so its id stays its identity.
create table raw_punches (
  id                     bigserial primary key,
  device_id              integer not null references devices (id) on delete restrict,
  user_id                text not null,
  punched_at_local       timestamp without time zone not null,
  punched_at             timestamptz not null,
  timezone               text not null,
  -- 'exact', or how a wall-clock time in a DST gap/overlap was resolved (docs/TIME.md).
  time_resolution        text not null default 'exact',
  verify_type            smallint not null,
  punch_state            smallint not null,
  source                 text not null check (source in ('poll', 'import', 'event')),
  poll_run_id            bigint references poll_runs (id) on delete set null,
  clock_offset_seconds   integer,
  created_at             timestamptz not null default now(),
  constraint raw_punches_identity unique (device_id, user_id, punched_at_local)
);

create index raw_punches_user_time on raw_punches (user_id, punched_at);
create index raw_punches_created on raw_punches (created_at);

-- Names for reports: the users enrolled on each device.
create table device_users (
  device_id              integer not null references devices (id) on delete cascade,
  user_id                text not null,
  uid                    integer not null,
  name                   text not null default '',
  card_number            bigint not null default 0,
  privilege              smallint not null default 0,
  updated_at             timestamptz not null default now(),
  primary key (device_id, user_id)
);

-- API tokens, stored as SHA-256 hashes; the token itself is shown once when created.
create table api_tokens (
  id                     serial primary key,
  name                   text not null,
  token_hash             text not null unique,
  created_at             timestamptz not null default now(),
  last_used_at           timestamptz,
  revoked_at             timestamptz
);
