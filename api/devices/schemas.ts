import { isIP } from 'node:net';
import { z } from '@hono/zod-openapi';
import { deviceOrderFields } from '../../lib/db/deviceSettings.js';
import { deviceUserOrderFields } from '../../lib/db/deviceUsers.js';
import {
  deviceHost,
  deviceNetworks,
  devicePushKey,
  deviceSerialNumber,
  deviceTimezone,
} from '../../lib/devices/input.js';
import { orderingQuery, PageQuery, pageOf } from '../common/schemas.js';

const noControlCharacters = (value: string) => !/[\u0000-\u001f\u007f]/.test(value);
const CONTROL_MESSAGE = 'must not contain control characters';

const TRUE_WORDS = ['true', '1'];
const FALSE_WORDS = ['false', '0'];

/** JSON booleans, and the words and numbers the original's serializer also took. */
const BodyBoolean = z.preprocess((value) => {
  if (typeof value === 'string') {
    const word = value.trim().toLowerCase();
    if (TRUE_WORDS.includes(word)) return true;
    if (FALSE_WORDS.includes(word)) return false;
  }
  if (value === 1) return true;
  if (value === 0) return false;
  return value;
}, z.boolean());

/** A whole number, also sent as a string of digits, as the original's serializer took it. */
const bodyInteger = (min: number, max: number) =>
  z.preprocess(
    (value) => (typeof value === 'string' && /^\s*\d{1,10}\s*$/.test(value) ? Number(value) : value),
    z.number().int().min(min).max(max),
  );

const fields = {
  name: z.string().trim().min(1, 'must not be empty').max(100).refine(noControlCharacters, CONTROL_MESSAGE),
  ip_address: deviceHost
    .refine(noControlCharacters, CONTROL_MESSAGE)
    // '999.1.1.1' passes as a host name (numeric labels are allowed) but is a mistyped address.
    .refine((host) => !/^[\d.]+$/.test(host) || isIP(host) === 4, 'must be a valid IPv4 address')
    .openapi({ description: 'IPv4/IPv6 address or host name', example: '192.168.1.100' }),
  port: bodyInteger(1, 65535).openapi({ type: 'integer', example: 4370 }),
  comm_key: bodyInteger(0, 999_999_999).openapi({
    type: 'integer',
    description: 'The device comm key (0 = none). Write-only: never returned.',
    writeOnly: true,
  }),
  timezone: deviceTimezone.openapi({ example: 'Africa/Nairobi' }),
  enabled: BodyBoolean.openapi({ type: 'boolean' }),
  task_queue: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .refine(noControlCharacters, CONTROL_MESSAGE)
    .nullable()
    .openapi({ description: "A site worker's task queue; null = the shared device queue" }),
  clear_log_after_download: BodyBoolean.openapi({ type: 'boolean' }),
  transport: z.enum(['pull', 'push']).openapi({
    description:
      '`pull` (default): the bridge polls ip_address:port. `push`: the device posts to the receiver (ADMS_PORT).',
  }),
  serial_number: deviceSerialNumber.openapi({
    description: 'Required for a push device',
    example: 'CQZ7224460302',
  }),
  push_key: devicePushKey.nullable().openapi({
    description:
      'Push devices: the pushcommkey the device must send (null = none). Write-only: never returned.',
    writeOnly: true,
  }),
  allowed_networks: deviceNetworks.nullable().openapi({
    description: 'Push devices: source networks it may post from (CIDR); null = anywhere',
    example: ['192.168.1.0/24'],
  }),
};

/**
 * POST and PUT: the name is required, and ip_address for a pull device (a push device has a
 * serial_number instead); the rest keeps its default or current value.
 */
export const DeviceWriteBody = z
  .object({
    name: fields.name,
    ip_address: fields.ip_address.optional(),
    transport: fields.transport.optional(),
    serial_number: fields.serial_number.optional(),
    push_key: fields.push_key.optional(),
    allowed_networks: fields.allowed_networks.optional(),
    port: fields.port.optional(),
    comm_key: fields.comm_key.optional(),
    timezone: fields.timezone.optional(),
    enabled: fields.enabled.optional(),
    task_queue: fields.task_queue.optional(),
    clear_log_after_download: fields.clear_log_after_download.optional(),
  })
  .strict()
  .openapi('DeviceWrite');

export const DevicePatchBody = DeviceWriteBody.partial().strict().openapi('DevicePatch');

export type DevicePatchBody = z.infer<typeof DevicePatchBody>;

export const DeviceStatusBody = z
  .object({
    serial_number: z.string().nullable(),
    firmware_version: z.string().nullable(),
    platform: z.string().nullable(),
    reported_name: z.string().nullable(),
    user_count: z.number().int().nullable(),
    record_count: z.number().int().nullable(),
    record_capacity: z.number().int().nullable(),
    capacity_warning: z.boolean(),
    clock_offset_seconds: z.number().int().nullable(),
    last_poll_at: z.string().nullable(),
    last_success_at: z.string().nullable(),
    last_error: z.string().nullable(),
    last_error_at: z.string().nullable(),
    consecutive_failures: z.number().int(),
  })
  .openapi('DeviceStatus');

export const DevicePushStatusBody = z
  .object({
    last_contact: z.string().nullable().openapi({ description: 'Last request of any kind from the device' }),
    last_upload: z.string().nullable().openapi({ description: 'Last upload of punches' }),
    last_address: z.string().nullable(),
    pending_commands: z.number().int(),
    malformed_lines: z.number().int().openapi({ description: 'Lines of its posts that could not be read' }),
    has_push_key: z.boolean(),
    allowed_networks: z.array(z.string()).nullable(),
  })
  .openapi('DevicePushStatus');

export const DeviceBody = z
  .object({
    id: z.number().int(),
    name: z.string(),
    ip_address: z.string().nullable().openapi({ description: 'null for a push device' }),
    port: z.number().int().nullable(),
    transport: z.enum(['pull', 'push']),
    serial_number: z.string().nullable(),
    enabled: z.boolean(),
    last_sync: z.string().nullable().openapi({ description: 'Last successful poll' }),
    created_at: z.string(),
    updated_at: z.string(),
    timezone: z.string(),
    task_queue: z.string().nullable(),
    clear_log_after_download: z.boolean(),
    has_comm_key: z.boolean(),
    status: DeviceStatusBody,
    push: DevicePushStatusBody.nullable().openapi({ description: 'Push devices only' }),
  })
  .openapi('Device');

export const DevicePageBody = pageOf(DeviceBody, 'DevicePage');

export const DeviceListQuery = z.object({ ...PageQuery, ordering: orderingQuery(deviceOrderFields) });

export const DeviceUserBody = z
  .object({
    user_id: z.string(),
    uid: z.number().int(),
    name: z.string(),
    card_number: z.number().int(),
    privilege: z.number().int(),
    updated_at: z.string(),
  })
  .openapi('DeviceUser');

export const DeviceUserPageBody = pageOf(DeviceUserBody, 'DeviceUserPage');

export const DeviceUserListQuery = z.object({ ...PageQuery, ordering: orderingQuery(deviceUserOrderFields) });

export const PollRunBody = z
  .object({
    id: z.number().int(),
    workflow_id: z.string().nullable(),
    attempt: z.number().int(),
    started_at: z.string(),
    finished_at: z.string().nullable(),
    status: z.enum(['running', 'succeeded', 'failed']),
    fetched: z.number().int(),
    inserted: z.number().int(),
    records_on_device: z.number().int().nullable(),
    error: z.string().nullable(),
  })
  .openapi('PollRun');

export const DeviceStatusReportBody = z
  .object({
    id: z.number().int(),
    name: z.string(),
    enabled: z.boolean(),
    last_sync: z.string().nullable(),
    status: DeviceStatusBody,
    poll_runs: z.array(PollRunBody),
  })
  .openapi('DeviceStatusReport');

export const DeviceInfoBody = z
  .object({
    device_name: z.string(),
    ip_address: z.string(),
    port: z.number().int(),
    firmware_version: z.string(),
    serial_number: z.string(),
    platform: z.string(),
    user_count: z.number().int(),
    attendance_count: z.number().int(),
    connected: z.boolean(),
    device: z.number().int(),
    record_capacity: z.number().int(),
  })
  .openapi('DeviceInfo');

export const DeviceUnreachableBody = z
  .object({ error: z.literal('Failed to connect to device'), reason: z.string() })
  .openapi('DeviceUnreachable');

export const DevicePollResultBody = z
  .object({
    status: z.enum(['success', 'error', 'skipped']),
    total_fetched: z.number().int(),
    new_records: z.number().int(),
    device: z.string(),
    device_id: z.number().int(),
    records_on_device: z.number().int().nullable(),
    clock_offset_seconds: z.number().int().nullable(),
    log_cleared: z.boolean(),
    error: z.string().nullable(),
  })
  .openapi('DevicePollResult');

export const PollAllResultBody = z
  .object({
    total_devices: z.number().int(),
    successful: z.number().int(),
    failed: z.number().int(),
    devices: z.array(DevicePollResultBody),
  })
  .openapi('PollAllResult');
