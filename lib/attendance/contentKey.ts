import type { AttendanceDay, PunchMoment } from './types.js';

function momentKey(moment: PunchMoment | null): unknown {
  if (!moment) return null;
  return [moment.instant.toISOString(), moment.timezone, moment.wallClock, moment.punchId, moment.deviceId];
}

/**
 * A stable string of everything the CRM sees or payroll depends on. Equal keys mean equal content,
 * so a re-run that changes nothing is recognised and not delivered again; a late punch that moves
 * the clock-out changes the key. It is canonical JSON (fixed field order, arrays already sorted by
 * the builder); store it or hash it, but do not parse it.
 */
export function attendanceDayContentKey(day: AttendanceDay): string {
  return JSON.stringify([
    day.userId,
    day.date,
    momentKey(day.clockIn),
    momentKey(day.clockOut),
    day.isOutlier,
    day.outlierReason,
    day.flags,
    day.deviceIds,
    day.punchIds,
    day.punchCount,
  ]);
}
