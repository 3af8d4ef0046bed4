import { createHash } from 'node:crypto';
import { ConfigurationError, InvalidRecordError } from '../errors.js';
import { isCalendarDate } from '../time/calendar.js';
import { formatOffsetTimestamp } from './offsetTimestamp.js';

/** What the database gives for one daily record revision. */
export interface DeliverableDay {
  id: number;
  userId: string;
  /** Calendar day of the record, `YYYY-MM-DD`. */
  date: string;
  revision: number;
  clockIn: Date;
  clockOut: Date | null;
  /** IANA zone of the device that recorded the punches. */
  timezone: string;
  isOutlier: boolean;
  outlierReason: string;
  deviceName: string;
  /** The address polled; for a push device the one it last pushed from, or '' when unknown. */
  deviceIp: string;
}

/**
 * The CRM request body. The names and JSON types are the original bridge's contract and must not
 * change; `revision` is ours, so a CRM can tell a corrected record from a repeat.
 */
export interface CrmPayload {
  user_id: string;
  date: string;
  clock_in: string;
  clock_out: string | null;
  is_outlier: boolean;
  outlier_reason: string;
  device_name: string;
  device_ip: string;
  revision: number;
}

export function buildPayload(day: DeliverableDay): CrmPayload {
  const where = describeDay(day);
  if (!isCalendarDate(day.date)) {
    throw new InvalidRecordError(`${where} has date "${day.date}", expected YYYY-MM-DD`);
  }
  return {
    user_id: day.userId,
    date: day.date,
    clock_in: formatPunchTime(day.clockIn, day, 'clock-in'),
    clock_out: day.clockOut === null ? null : formatPunchTime(day.clockOut, day, 'clock-out'),
    is_outlier: day.isOutlier,
    outlier_reason: day.outlierReason,
    device_name: day.deviceName,
    device_ip: day.deviceIp,
    revision: day.revision,
  };
}

/** The instant in the device's zone, with that zone's UTC offset at that instant, to the second. */
function formatPunchTime(instant: Date, day: DeliverableDay, which: string): string {
  if (Number.isNaN(instant.getTime())) {
    throw new InvalidRecordError(`${describeDay(day)} has an invalid ${which} time`);
  }
  // `+00:00` for UTC where ISO output would write `Z`: CRMs written against the original bridge
  // expect a numeric offset on every timestamp.
  const local = formatOffsetTimestamp(instant.getTime(), day.timezone);
  if (local === null) {
    throw new ConfigurationError(
      `device "${day.deviceName}"${day.deviceIp ? ` (${day.deviceIp})` : ''} has timezone "${day.timezone}", ` +
        `which is not an IANA zone name such as "Europe/Istanbul"`,
    );
  }
  return local;
}

function describeDay(day: { id: number; userId: string; date: string }): string {
  return `attendance day ${day.id} (user ${day.userId}, ${day.date})`;
}

// Some CRMs (and the proxies in front of them) cap header values; keys longer than this are hashed.
const maxReadableKeyLength = 200;

/**
 * The `Idempotency-Key` of one delivery: `attendance-<id>-<user>-<date>-r<revision>`.
 *
 * The same record revision always gets the same key, so a delivery repeated after a timeout is
 * applied once; a corrected record (next revision) gets a new key, so the CRM applies it again.
 * The record id is part of the key so a day rebuilt from scratch (a new row that starts again at
 * revision 1) is never mistaken for the one delivered before it. The user id is percent-encoded
 * byte by byte, `-` included, so the key is header-safe ASCII and no two records share a key.
 * Unusually long user ids make the key too long for some CRMs; then the readable key is replaced by
 * `attendance-<id>-<sha256 of it>`, which keeps both properties.
 */
export function idempotencyKey(day: { id: number; userId: string; date: string; revision: number }): string {
  const where = describeDay(day);
  if (!Number.isSafeInteger(day.id) || day.id < 0) {
    throw new InvalidRecordError(`${where} has id ${day.id}, expected a non-negative integer`);
  }
  if (!Number.isSafeInteger(day.revision) || day.revision < 0) {
    throw new InvalidRecordError(`${where} has revision ${day.revision}, expected a non-negative integer`);
  }
  if (!isCalendarDate(day.date)) {
    throw new InvalidRecordError(`${where} has date "${day.date}", expected YYYY-MM-DD`);
  }
  const readable = `attendance-${day.id}-${percentEncode(day.userId)}-${day.date}-r${day.revision}`;
  if (readable.length <= maxReadableKeyLength) return readable;
  return `attendance-${day.id}-${createHash('sha256').update(readable).digest('hex')}`;
}

const unreservedByte = /^[A-Za-z0-9._~]$/;

function percentEncode(text: string): string {
  let encoded = '';
  for (const byte of new TextEncoder().encode(text)) {
    const char = String.fromCharCode(byte);
    encoded += unreservedByte.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return encoded;
}
