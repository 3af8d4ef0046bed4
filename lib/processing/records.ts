import { createHash } from 'node:crypto';
import { type AttendanceDay, attendanceDayContentKey } from '../attendance/index.js';
import type { AttendanceDayRecord } from '../db/attendanceDays.js';

/** A compact digest of the day's content: 64 hex characters however many punches the day has. */
export function contentDigest(day: AttendanceDay): string {
  return createHash('sha256').update(attendanceDayContentKey(day)).digest('hex');
}

/** The row a daily record is stored as. Punch ids are listed in numeric order, as the API shows them. */
export function toDayRecord(day: AttendanceDay): AttendanceDayRecord {
  return {
    userId: day.userId,
    date: day.date,
    clockIn: day.clockIn.instant,
    clockInLocal: day.clockIn.wallClock,
    clockInTimezone: day.clockIn.timezone,
    clockInDeviceId: day.clockIn.deviceId,
    clockOut: day.clockOut?.instant ?? null,
    clockOutLocal: day.clockOut?.wallClock ?? null,
    clockOutTimezone: day.clockOut?.timezone ?? null,
    clockOutDeviceId: day.clockOut?.deviceId ?? null,
    punchCount: day.punchCount,
    deviceIds: day.deviceIds,
    punchIds: [...day.punchIds].sort((a, b) => Number(a) - Number(b)),
    isOutlier: day.isOutlier,
    outlierReason: day.outlierReason,
    flags: day.flags,
    contentKey: contentDigest(day),
  };
}
