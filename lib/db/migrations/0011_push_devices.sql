-- Push (ADMS / iclock) devices: terminals that are HTTP clients of the bridge instead of servers it
-- polls. They are rows of the same devices table, so their punches share the punch identity, the
-- processing and the delivery of pulled ones.

alter table devices
  add column transport text not null default 'pull' check (transport in ('pull', 'push')),
  -- A push device has no address the bridge connects to; it may sit behind NAT.
  alter column host drop not null,
  alter column port drop not null,
  add constraint devices_pull_address check (transport = 'push' or (host is not null and port is not null)),
  add constraint devices_push_serial check (transport = 'pull' or serial_number is not null),
  -- Optional shared secret the firmware sends as pushcommkey. Write-only, like the comm key.
  add column push_key text,
  -- Optional source networks (CIDR) a push device may post from; null = anywhere.
  add column push_allowed_networks text[],
  add column push_last_contact_at timestamptz,
  add column push_last_upload_at timestamptz,
  add column push_last_address text,
  -- Lines of its posts the receiver could not read: counted, logged, never stored.
  add column push_malformed_lines bigint not null default 0;

-- A serial number names one push device; pull devices only report theirs.
create unique index devices_push_serial_number on devices (serial_number) where transport = 'push';

alter table raw_punches drop constraint raw_punches_source_check;
alter table raw_punches add constraint raw_punches_source_check
  check (source in ('poll', 'import', 'event', 'push'));

-- The resume markers a push device sends with each upload, per table (ATTLOG, OPERLOG, ...). Written
-- in the same transaction as the upload's rows, so a stamp never runs ahead of what is stored.
create table push_stamps (
  device_id              integer not null references devices (id) on delete cascade,
  table_name             text not null,
  stamp                  text not null,
  updated_at             timestamptz not null default now(),
  primary key (device_id, table_name)
);

-- Serial numbers that pushed without being registered: never ingested, shown so that an operator
-- can adopt them.
create table push_unregistered (
  serial_number          text primary key,
  address                text not null,
  first_seen_at          timestamptz not null default now(),
  last_seen_at           timestamptz not null default now(),
  requests               bigint not null default 1,
  -- Records it offered in uploads (lines of ATTLOG posts), none of them stored.
  record_count           bigint not null default 0
);
