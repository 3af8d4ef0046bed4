import type { OrderTerm } from '../lists/ordering.js';
import type { Sql } from './connection.js';
import { type Fragment, type Listed, orderBy, type Window } from './listing.js';

/** A device as the bridge uses it internally (the comm key never leaves the worker). */
export interface DeviceRow {
  id: number;
  name: string;
  /** `pull`: the bridge connects to host:port. `push`: the device posts to the receiver. */
  transport: DeviceTransport;
  /** Null only for push devices. */
  host: string | null;
  port: number | null;
  commKey: number;
  timezone: string;
  enabled: boolean;
  taskQueue: string | null;
  clearLogAfterDownload: boolean;
  serialNumber: string | null;
  firmwareVersion: string | null;
  platform: string | null;
  reportedName: string | null;
  userCount: number | null;
  recordCount: number | null;
  recordCapacity: number | null;
  capacityWarning: boolean;
  clockOffsetSeconds: number | null;
  lastPollAt: Date | null;
  lastSuccessAt: Date | null;
  lastError: string | null;
  lastErrorAt: Date | null;
  consecutiveFailures: number;
  /** Push devices: the pushcommkey they must send (null = none). Never leaves the receiver. */
  pushKey: string | null;
  pushAllowedNetworks: string[] | null;
  pushLastContactAt: Date | null;
  pushLastUploadAt: Date | null;
  pushLastAddress: string | null;
  pushMalformedLines: number;
  pendingCommands: number;
  createdAt: Date;
  updatedAt: Date;
}

export type DeviceTransport = 'pull' | 'push';

/** A pull device's address; a push device has none (callers check the transport first). */
export function deviceAddress(
  device: Pick<DeviceRow, 'transport' | 'host' | 'port' | 'serialNumber'>,
): string {
  return device.transport === 'push'
    ? `push, serial ${device.serialNumber}`
    : `${device.host}:${device.port}`;
}

export interface NewDevice {
  name: string;
  transport?: DeviceTransport;
  host: string | null;
  port: number | null;
  commKey: number;
  timezone: string;
  enabled?: boolean;
  taskQueue?: string | null;
  clearLogAfterDownload?: boolean;
  serialNumber?: string | null;
  pushKey?: string | null;
  pushAllowedNetworks?: string[] | null;
}

/** The device columns as `DeviceRow` fields; shared by every query that returns devices. */
export const deviceColumns = (sql: Sql) => sql`
  id, name, host, port, comm_key as "commKey", timezone, enabled, task_queue as "taskQueue",
  clear_log_after_download as "clearLogAfterDownload", serial_number as "serialNumber",
  firmware_version as "firmwareVersion", platform, reported_name as "reportedName",
  user_count as "userCount", record_count as "recordCount", record_capacity as "recordCapacity",
  capacity_warning as "capacityWarning", clock_offset_seconds as "clockOffsetSeconds",
  last_poll_at as "lastPollAt", last_success_at as "lastSuccessAt", last_error as "lastError",
  last_error_at as "lastErrorAt", consecutive_failures as "consecutiveFailures",
  transport, push_key as "pushKey", push_allowed_networks as "pushAllowedNetworks",
  push_last_contact_at as "pushLastContactAt", push_last_upload_at as "pushLastUploadAt",
  push_last_address as "pushLastAddress", push_malformed_lines::float8 as "pushMalformedLines",
  (select count(*)::int from push_commands q where q.device_id = devices.id and q.status = 'queued')
    as "pendingCommands",
  created_at as "createdAt", updated_at as "updatedAt"`;

export async function insertDevice(sql: Sql, device: NewDevice): Promise<DeviceRow> {
  const [row] = await sql<DeviceRow[]>`
    insert into devices (name, host, port, comm_key, timezone, enabled, task_queue, clear_log_after_download,
                         transport, serial_number, push_key, push_allowed_networks)
    values (${device.name}, ${device.host}, ${device.port}, ${device.commKey}, ${device.timezone},
            ${device.enabled ?? true}, ${device.taskQueue ?? null}, ${device.clearLogAfterDownload ?? false},
            ${device.transport ?? 'pull'}, ${device.serialNumber ?? null}, ${device.pushKey ?? null},
            ${device.pushAllowedNetworks ?? null}::text[])
    returning ${deviceColumns(sql)}`;
  return row;
}

export async function findDevice(sql: Sql, id: number): Promise<DeviceRow | null> {
  const [row] = await sql<DeviceRow[]>`select ${deviceColumns(sql)} from devices where id = ${id}`;
  return row ?? null;
}

export async function listDevices(
  sql: Sql,
  options: { enabledOnly?: boolean; transport?: DeviceTransport } = {},
): Promise<DeviceRow[]> {
  return sql<DeviceRow[]>`
    select ${deviceColumns(sql)} from devices
    where ${options.enabledOnly ? sql`enabled` : sql`true`}
      and ${options.transport ? sql`transport = ${options.transport}` : sql`true`}
    order by id`;
}

export interface DeviceObservation {
  serialNumber: string;
  firmwareVersion: string;
  platform: string;
  reportedName: string;
  userCount: number;
  recordCount: number;
  recordCapacity: number;
  clockOffsetSeconds: number;
  capacityWarning: boolean;
}

export async function recordPollSuccess(sql: Sql, id: number, seen: DeviceObservation): Promise<void> {
  await sql`
    update devices set
      serial_number = ${seen.serialNumber}, firmware_version = ${seen.firmwareVersion},
      platform = ${seen.platform}, reported_name = ${seen.reportedName}, user_count = ${seen.userCount},
      record_count = ${seen.recordCount}, record_capacity = ${seen.recordCapacity},
      clock_offset_seconds = ${seen.clockOffsetSeconds}, capacity_warning = ${seen.capacityWarning},
      last_poll_at = now(), last_success_at = now(), consecutive_failures = 0, updated_at = now()
    where id = ${id}`;
}

/** One failed attempt: the error is visible at once, even while retries go on. */
export async function recordPollAttemptError(sql: Sql, id: number, error: string): Promise<void> {
  await sql`
    update devices set last_poll_at = now(), last_error = ${error}, last_error_at = now(), updated_at = now()
    where id = ${id}`;
}

/** A poll that failed after its last attempt. */
export async function recordPollFailure(sql: Sql, id: number, error: string): Promise<void> {
  await sql`
    update devices set
      last_poll_at = now(), last_error = ${error}, last_error_at = now(),
      consecutive_failures = consecutive_failures + 1, updated_at = now()
    where id = ${id}`;
}

// The API's paged list and the device settings it writes.

export const deviceOrderFields = [
  'id',
  'name',
  'ip_address',
  'port',
  'enabled',
  'last_sync',
  'created_at',
  'updated_at',
] as const;
export type DeviceOrderField = (typeof deviceOrderFields)[number];

export async function listDevicesPage(
  sql: Sql,
  options: { order: readonly OrderTerm<DeviceOrderField>[]; window: Window },
): Promise<Listed<DeviceRow>> {
  const columns: Record<DeviceOrderField, Fragment> = {
    id: sql`id`,
    name: sql`name`,
    ip_address: sql`host`,
    port: sql`port`,
    enabled: sql`enabled`,
    last_sync: sql`last_success_at`,
    created_at: sql`created_at`,
    updated_at: sql`updated_at`,
  };
  const [{ count }] = await sql<{ count: number }[]>`select count(*)::int as count from devices`;
  const rows = await sql<DeviceRow[]>`
    select ${deviceColumns(sql)} from devices
    order by ${orderBy(sql, options.order, columns, sql`id`)}
    limit ${options.window.limit} offset ${options.window.offset}`;
  return { count, rows };
}

export type DeviceChanges = Partial<NewDevice>;

export type DeviceWriteResult =
  | { ok: true; device: DeviceRow }
  | { ok: false; reason: 'not-found' }
  | { ok: false; reason: 'duplicate'; existingId: number | null }
  /** The change would leave a pull device without an address or a push device without a serial. */
  | { ok: false; reason: 'incomplete'; message: string };

const UNIQUE_VIOLATION = '23505';
const CHECK_VIOLATION = '23514';
/** A foreign key refused the delete: 23001 for `on delete restrict`, 23503 for `no action`. */
const REFERENCED = ['23001', '23503'];

function isPgError(error: unknown, ...codes: string[]): boolean {
  if (typeof error !== 'object' || error === null) return false;
  return codes.includes(String((error as { code?: unknown }).code));
}

async function deviceAt(sql: Sql, host: string, port: number): Promise<number | null> {
  const [row] = await sql<{ id: number }[]>`select id from devices where host = ${host} and port = ${port}`;
  return row?.id ?? null;
}

async function pushDeviceWithSerial(sql: Sql, serial: string): Promise<number | null> {
  const [row] = await sql<{ id: number }[]>`
    select id from devices where transport = 'push' and serial_number = ${serial}`;
  return row?.id ?? null;
}

/** Creates a device; a second device at the same host and port is refused, not merged. */
export async function createDevice(sql: Sql, device: NewDevice): Promise<DeviceWriteResult> {
  try {
    return { ok: true, device: await insertDevice(sql, device) };
  } catch (error) {
    if (!isPgError(error, UNIQUE_VIOLATION)) throw error;
    const existingId =
      device.transport === 'push'
        ? await pushDeviceWithSerial(sql, device.serialNumber ?? '')
        : await deviceAt(sql, device.host ?? '', device.port ?? 0);
    return { ok: false, reason: 'duplicate', existingId };
  }
}

/** Changes only the given settings; what the device reported about itself is left as it was. */
export async function updateDevice(sql: Sql, id: number, changes: DeviceChanges): Promise<DeviceWriteResult> {
  const row: Record<string, string | number | boolean | string[] | null> = {};
  if (changes.name !== undefined) row.name = changes.name;
  if (changes.host !== undefined) row.host = changes.host;
  if (changes.port !== undefined) row.port = changes.port;
  if (changes.commKey !== undefined) row.comm_key = changes.commKey;
  if (changes.timezone !== undefined) row.timezone = changes.timezone;
  if (changes.enabled !== undefined) row.enabled = changes.enabled;
  if (changes.taskQueue !== undefined) row.task_queue = changes.taskQueue;
  if (changes.clearLogAfterDownload !== undefined)
    row.clear_log_after_download = changes.clearLogAfterDownload;
  if (changes.transport !== undefined) row.transport = changes.transport;
  if (changes.serialNumber !== undefined) row.serial_number = changes.serialNumber;
  if (changes.pushKey !== undefined) row.push_key = changes.pushKey;
  if (changes.pushAllowedNetworks !== undefined) row.push_allowed_networks = changes.pushAllowedNetworks;
  const keys = Object.keys(row);
  try {
    // The column helper must sit right after `set` (postgres.js reads the keyword before it), so an
    // empty change is its own statement.
    const [updated] =
      keys.length > 0
        ? await sql<DeviceRow[]>`
            update devices set ${sql(row, ...keys)}, updated_at = now()
            where id = ${id} returning ${deviceColumns(sql)}`
        : await sql<DeviceRow[]>`
            update devices set updated_at = now() where id = ${id} returning ${deviceColumns(sql)}`;
    return updated ? { ok: true, device: updated } : { ok: false, reason: 'not-found' };
  } catch (error) {
    if (isPgError(error, CHECK_VIOLATION)) {
      return {
        ok: false,
        reason: 'incomplete',
        message:
          'transport: a pull device needs ip_address and port, a push device needs serial_number; send them with the change',
      };
    }
    if (!isPgError(error, UNIQUE_VIOLATION)) throw error;
    const [current] = await sql<
      { host: string | null; port: number | null; serialNumber: string | null; transport: DeviceTransport }[]
    >`select host, port, serial_number as "serialNumber", transport from devices where id = ${id}`;
    const existingId = !current
      ? null
      : (changes.transport ?? current.transport) === 'push'
        ? await pushDeviceWithSerial(sql, changes.serialNumber ?? current.serialNumber ?? '')
        : await deviceAt(sql, changes.host ?? current.host ?? '', changes.port ?? current.port ?? 0);
    return { ok: false, reason: 'duplicate', existingId };
  }
}

export type DeviceDeleteResult =
  | { deleted: true }
  | { deleted: false; reason: 'not-found' }
  | { deleted: false; reason: 'has-punches'; punches: number; attendanceDays: number };

/**
 * Deletes a device that never recorded anything. Punches and daily records are kept forever and
 * name their device, so a device that has any stays (the foreign keys refuse, also in a race).
 */
export async function deleteDevice(sql: Sql, id: number): Promise<DeviceDeleteResult> {
  try {
    const result = await sql`delete from devices where id = ${id}`;
    return result.count > 0 ? { deleted: true } : { deleted: false, reason: 'not-found' };
  } catch (error) {
    if (!isPgError(error, ...REFERENCED)) throw error;
    const [usage] = await sql<{ punches: number; attendanceDays: number }[]>`
      select
        (select count(*)::int from raw_punches where device_id = ${id}) as punches,
        (select count(*)::int from attendance_days
          where clock_in_device_id = ${id} or clock_out_device_id = ${id}) as "attendanceDays"`;
    return { deleted: false, reason: 'has-punches', ...usage };
  }
}
