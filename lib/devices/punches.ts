import type { NewPunch } from '../db/punches.js';
import { wallClockToInstant } from '../time/wallclock.js';
import { type AttendanceRecord, formatWallClock, isValidWallClock } from '../zk/codec/index.js';

export interface PunchContext {
  deviceId: number;
  timezone: string;
  pollRunId: number | null;
  clockOffsetSeconds: number | null;
  source?: NewPunch['source'];
}

/**
 * Device records to storable punches: the wall-clock time as the device reported it, and the instant
 * it means in the device's timezone. Records whose date cannot exist (the codec's 31-day months allow
 * Feb 31) are returned apart, never guessed at.
 */
export function toPunches(
  records: Pick<AttendanceRecord, 'userId' | 'time' | 'verifyType' | 'state'>[],
  context: PunchContext,
): { punches: NewPunch[]; invalid: { userId: string; time: string }[] } {
  const punches: NewPunch[] = [];
  const invalid: { userId: string; time: string }[] = [];
  for (const record of records) {
    const wallClock = formatWallClock(record.time);
    if (!isValidWallClock(record.time) || record.userId === '') {
      invalid.push({ userId: record.userId, time: wallClock });
      continue;
    }
    const { instant, resolution } = wallClockToInstant(wallClock, context.timezone);
    punches.push({
      deviceId: context.deviceId,
      userId: record.userId,
      punchedAtLocal: wallClock,
      punchedAt: instant,
      timezone: context.timezone,
      timeResolution: resolution,
      verifyType: record.verifyType,
      punchState: record.state,
      source: context.source ?? 'poll',
      pollRunId: context.pollRunId,
      clockOffsetSeconds: context.clockOffsetSeconds,
    });
  }
  return { punches, invalid };
}
