/** Devices as the API lists and writes them: the paged list, create, change and delete. */
import type { OrderTerm } from '../lists/ordering.js';
import type { Sql } from './connection.js';
import {
  type DeviceRow,
  type DeviceTransport,
  deviceColumns,
  insertDevice,
  type NewDevice,
} from './devices.js';
import { type Fragment, type Listed, orderBy, type Window } from './listing.js';

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
