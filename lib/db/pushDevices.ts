import type postgres from 'postgres';
import type { Sql } from './connection.js';
import { type DeviceRow, deviceColumns } from './devices.js';

type Queryable = Sql | postgres.TransactionSql;

/** The registered push device with this serial number, enabled or not. */
export async function findPushDevice(sql: Sql, serialNumber: string): Promise<DeviceRow | null> {
  const [row] = await sql<DeviceRow[]>`
    select ${deviceColumns(sql)} from devices where transport = 'push' and serial_number = ${serialNumber}`;
  return row ?? null;
}

export async function readStamps(sql: Sql, deviceId: number): Promise<Map<string, string>> {
  const rows = await sql<{ tableName: string; stamp: string }[]>`
    select table_name as "tableName", stamp from push_stamps where device_id = ${deviceId}`;
  return new Map(rows.map((row) => [row.tableName, row.stamp]));
}

export async function writeStamp(
  tx: Queryable,
  deviceId: number,
  table: string,
  stamp: string,
): Promise<void> {
  await tx`
    insert into push_stamps (device_id, table_name, stamp) values (${deviceId}, ${table}, ${stamp})
    on conflict (device_id, table_name) do update set stamp = excluded.stamp, updated_at = now()`;
}

export interface PushContact {
  address: string;
  /** An upload of punches (as opposed to a heartbeat or a command poll). */
  upload?: boolean;
  malformedLines?: number;
  firmwareVersion?: string | null;
  userCount?: number | null;
  recordCount?: number | null;
}

/** Every request from a device: when and from where; uploads and what it said about itself too. */
export async function recordPushContact(
  tx: Queryable,
  deviceId: number,
  contact: PushContact,
): Promise<void> {
  await tx`
    update devices set
      push_last_contact_at = now(),
      push_last_address = ${contact.address},
      push_last_upload_at = ${contact.upload ? tx`now()` : tx`push_last_upload_at`},
      push_malformed_lines = push_malformed_lines + ${contact.malformedLines ?? 0},
      firmware_version = coalesce(${contact.firmwareVersion ?? null}, firmware_version),
      user_count = coalesce(${contact.userCount ?? null}::int, user_count),
      record_count = coalesce(${contact.recordCount ?? null}::int, record_count)
    where id = ${deviceId}`;
}

export interface UnregisteredDevice {
  serialNumber: string;
  address: string;
  firstSeenAt: Date;
  lastSeenAt: Date;
  requests: number;
  recordCount: number;
}

/** Beyond this many distinct unknown serials new ones are not recorded: anyone can make serials up. */
export const UNREGISTERED_LIMIT = 1000;

export async function recordUnregistered(
  sql: Sql,
  seen: { serialNumber: string; address: string; records: number },
): Promise<void> {
  await sql`
    insert into push_unregistered (serial_number, address, record_count)
    select ${seen.serialNumber}, ${seen.address}, ${seen.records}
    where exists (select 1 from push_unregistered where serial_number = ${seen.serialNumber})
       or (select count(*) from push_unregistered) < ${UNREGISTERED_LIMIT}
    on conflict (serial_number) do update set
      address = excluded.address, last_seen_at = now(), requests = push_unregistered.requests + 1,
      record_count = push_unregistered.record_count + excluded.record_count`;
}

export async function listUnregistered(sql: Sql): Promise<UnregisteredDevice[]> {
  return sql<UnregisteredDevice[]>`
    select serial_number as "serialNumber", address, first_seen_at as "firstSeenAt",
           last_seen_at as "lastSeenAt", requests, record_count as "recordCount"
    from push_unregistered order by last_seen_at desc`;
}

export async function findUnregistered(sql: Sql, serialNumber: string): Promise<UnregisteredDevice | null> {
  const [row] = await sql<UnregisteredDevice[]>`
    select serial_number as "serialNumber", address, first_seen_at as "firstSeenAt",
           last_seen_at as "lastSeenAt", requests, record_count as "recordCount"
    from push_unregistered where serial_number = ${serialNumber}`;
  return row ?? null;
}

export async function forgetUnregistered(tx: Queryable, serialNumber: string): Promise<void> {
  await tx`delete from push_unregistered where serial_number = ${serialNumber}`;
}
