import type { z } from '@hono/zod-openapi';
import type { DeviceRow } from '../../lib/db/devices.js';
import type { DeviceUserRow } from '../../lib/db/deviceUsers.js';
import type { PollRunRow } from '../../lib/db/pollRuns.js';
import type { DeviceInfo } from '../../lib/devices/info.js';
import type { DevicePollResult, PollAllResult } from '../../lib/devices/types.js';
import { renderInstant } from '../common/render.js';
import type {
  DeviceBody,
  DeviceInfoBody,
  DevicePollResultBody,
  DevicePushStatusBody,
  DeviceStatusBody,
  DeviceUserBody,
  PollAllResultBody,
  PollRunBody,
} from './schemas.js';

/** The original's device fields, then ours. The comm key itself never leaves: only whether one is set. */
export function toDeviceBody(row: DeviceRow, zone: string): z.infer<typeof DeviceBody> {
  return {
    id: row.id,
    name: row.name,
    ip_address: row.host,
    port: row.port,
    transport: row.transport,
    serial_number: row.serialNumber,
    enabled: row.enabled,
    last_sync: renderInstant(row.lastSuccessAt, zone),
    created_at: renderInstant(row.createdAt, zone),
    updated_at: renderInstant(row.updatedAt, zone),
    timezone: row.timezone,
    task_queue: row.taskQueue,
    clear_log_after_download: row.clearLogAfterDownload,
    has_comm_key: row.commKey !== 0,
    status: toDeviceStatusBody(row, zone),
    push: row.transport === 'push' ? toDevicePushStatusBody(row, zone) : null,
  };
}

/** The push key itself never leaves: only whether one is set. */
export function toDevicePushStatusBody(row: DeviceRow, zone: string): z.infer<typeof DevicePushStatusBody> {
  return {
    last_contact: renderInstant(row.pushLastContactAt, zone),
    last_upload: renderInstant(row.pushLastUploadAt, zone),
    last_address: row.pushLastAddress,
    pending_commands: row.pendingCommands,
    malformed_lines: row.pushMalformedLines,
    has_push_key: row.pushKey !== null,
    allowed_networks: row.pushAllowedNetworks,
  };
}

export function toDeviceStatusBody(row: DeviceRow, zone: string): z.infer<typeof DeviceStatusBody> {
  return {
    serial_number: row.serialNumber,
    firmware_version: row.firmwareVersion,
    platform: row.platform,
    reported_name: row.reportedName,
    user_count: row.userCount,
    record_count: row.recordCount,
    record_capacity: row.recordCapacity,
    capacity_warning: row.capacityWarning,
    clock_offset_seconds: row.clockOffsetSeconds,
    last_poll_at: renderInstant(row.lastPollAt, zone),
    last_success_at: renderInstant(row.lastSuccessAt, zone),
    last_error: row.lastError,
    last_error_at: renderInstant(row.lastErrorAt, zone),
    consecutive_failures: row.consecutiveFailures,
  };
}

export function toDeviceUserBody(row: DeviceUserRow, zone: string): z.infer<typeof DeviceUserBody> {
  return {
    user_id: row.userId,
    uid: row.uid,
    name: row.name,
    card_number: row.cardNumber,
    privilege: row.privilege,
    updated_at: renderInstant(row.updatedAt, zone),
  };
}

export function toPollRunBody(row: PollRunRow, zone: string): z.infer<typeof PollRunBody> {
  return {
    id: row.id,
    workflow_id: row.workflowId,
    attempt: row.attempt,
    started_at: renderInstant(row.startedAt, zone),
    finished_at: renderInstant(row.finishedAt, zone),
    status: row.status,
    fetched: row.fetched,
    inserted: row.inserted,
    records_on_device: row.recordsOnDevice,
    error: row.error,
  };
}

const POLL_STATUS = { succeeded: 'success', failed: 'error', skipped: 'skipped' } as const;

/** A poll's result under the original's names (`status: "success"`, `total_fetched`, `new_records`). */
export function toPollResultBody(
  result: DevicePollResult,
  deviceName: string,
): z.infer<typeof DevicePollResultBody> {
  return {
    status: POLL_STATUS[result.status],
    total_fetched: result.fetched,
    new_records: result.inserted,
    device: deviceName,
    device_id: result.deviceId,
    records_on_device: result.recordsOnDevice ?? null,
    clock_offset_seconds: result.clockOffsetSeconds ?? null,
    log_cleared: result.logCleared ?? false,
    error: result.error ?? null,
  };
}

/** Every device's poll; a device deleted since the poll keeps a name that says which it was. */
export function toPollAllResultBody(
  result: PollAllResult,
  names: Map<number, string>,
): z.infer<typeof PollAllResultBody> {
  return {
    total_devices: result.totalDevices,
    successful: result.successful,
    failed: result.failed,
    devices: result.devices.map((d) => toPollResultBody(d, names.get(d.deviceId) ?? `device ${d.deviceId}`)),
  };
}

/** What the device said about itself, under the original's names, then ours. */
export function toDeviceInfoBody(live: DeviceInfo): z.infer<typeof DeviceInfoBody> {
  return {
    device_name: live.deviceName,
    ip_address: live.host,
    port: live.port,
    firmware_version: live.firmwareVersion,
    serial_number: live.serialNumber,
    platform: live.platform,
    user_count: live.userCount,
    attendance_count: live.attendanceCount,
    connected: true,
    device: live.deviceId,
    record_capacity: live.recordCapacity,
  };
}
