import type { Sql } from './connection.js';

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
