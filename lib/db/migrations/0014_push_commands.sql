-- Commands queued for push devices: a device takes them on its next getrequest and reports each
-- result through devicecmd. The id is what the device echoes back (C:<id>:<command>).
create table push_commands (
  id                     bigserial primary key,
  device_id              integer not null references devices (id) on delete cascade,
  command                text not null,
  status                 text not null default 'queued' check (status in ('queued', 'sent', 'done')),
  created_at             timestamptz not null default now(),
  sent_at                timestamptz,
  completed_at           timestamptz,
  return_code            integer,
  -- What the device sent besides its return code, as it sent it.
  result                 text
);

create index push_commands_queued on push_commands (device_id, id) where status = 'queued';
create index push_commands_device on push_commands (device_id, id desc);
