import { InvalidRecordError } from '../errors.js';
import { dayChangeMinutes, validateRulesConfig } from './config.js';
import { attendanceDayOfWallClock } from './day.js';
import { deviceClockFlags, MISSING_CLOCK_OUT } from './flags.js';
import { outlierFlags, outlierReason } from './outliers.js';
import { comparePunches, compareStrings, debouncePunches } from './pairing.js';
import { assertPunchConsistent } from './punchCheck.js';
import type { AttendanceDay, PunchInput, PunchMoment, RulesConfig } from './types.js';

function momentOf(punch: PunchInput): PunchMoment {
  return {
    instant: new Date(punch.instant.getTime()),
    timezone: punch.timezone,
    wallClock: punch.wallClock,
    punchId: punch.id,
    deviceId: punch.deviceId,
  };
}

/** One record from all punches of one user's attendance day (any devices, any order). */
function buildDay(userId: string, date: string, punches: PunchInput[], cfg: RulesConfig): AttendanceDay {
  const sorted = [...punches].sort(comparePunches);
  const kept = debouncePunches(sorted, cfg.debounceSeconds);
  const clockIn = momentOf(kept[0]);
  const clockOut = kept.length > 1 ? momentOf(kept[kept.length - 1]) : null;
  const reason = outlierReason(outlierFlags({ date, clockIn, clockOut }, cfg));
  return {
    userId,
    date,
    clockIn,
    clockOut,
    punchCount: sorted.length,
    deviceIds: [...new Set(sorted.map((p) => p.deviceId))].sort((a, b) => a - b),
    punchIds: sorted.map((p) => p.id).sort(compareStrings),
    isOutlier: reason !== '',
    outlierReason: reason,
    flags: [...(clockOut ? [] : [MISSING_CLOCK_OUT]), ...deviceClockFlags(sorted, cfg)],
  };
}

/**
 * Daily records from punches: one per (user, attendance day), merging every device the user punched
 * on, sorted by user id then date. The result depends only on the set of punches, not their order.
 *
 * Throws ConfigurationError for rules that would misdate punches, and InvalidRecordError for a
 * punch id given twice or a punch whose instant does not match its wall clock and zone.
 */
export function buildAttendanceDays(punches: readonly PunchInput[], cfg: RulesConfig): AttendanceDay[] {
  validateRulesConfig(cfg);
  const dayChange = dayChangeMinutes(cfg);
  const seenIds = new Set<string>();
  const groups = new Map<string, { userId: string; date: string; punches: PunchInput[] }>();

  for (const punch of punches) {
    if (seenIds.has(punch.id)) {
      throw new InvalidRecordError(`punch ${punch.id} (user ${punch.userId}) was given twice`);
    }
    seenIds.add(punch.id);
    assertPunchConsistent(punch);
    const date = attendanceDayOfWallClock(punch.wallClock, dayChange);
    const key = JSON.stringify([punch.userId, date]);
    const group = groups.get(key) ?? { userId: punch.userId, date, punches: [] };
    group.punches.push(punch);
    groups.set(key, group);
  }

  return [...groups.values()]
    .sort((a, b) => compareStrings(a.userId, b.userId) || compareStrings(a.date, b.date))
    .map((group) => buildDay(group.userId, group.date, group.punches, cfg));
}
