import type { NewPunch } from '../db/punches.js';
import { type ResolvedWallClock, wallClockToInstant } from '../time/wallclock.js';
import {
  type AttendanceRecord,
  formatWallClock,
  isValidWallClock,
  type WallClock,
} from '../zk/codec/index.js';

export interface PunchContext {
  deviceId: number;
  timezone: string;
  pollRunId: number | null;
  clockOffsetSeconds: number | null;
  source?: NewPunch['source'];
}

const HOUR_MS = 3_600_000;

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
  const resolve = hourlyResolver(context.timezone);
  for (const record of records) {
    const wallClock = formatWallClock(record.time);
    if (!isValidWallClock(record.time) || record.userId === '') {
      invalid.push({ userId: record.userId, time: wallClock });
      continue;
    }
    const { instant, resolution } = resolve(record.time, wallClock);
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

/**
 * `wallClockToInstant` with one zone lookup per wall-clock hour instead of per punch: a full log is
 * 100,000 punches in a few thousand hours. An hour whose first and last second are both exact, with
 * the same offset, holds no transition (zones never change twice within an hour), so every second
 * in it has that offset; any other hour is resolved punch by punch.
 */
export function hourlyResolver(zone: string): (time: WallClock, wallClock: string) => ResolvedWallClock {
  const offsetByHour = new Map<number, number | null>();
  return (time, wallClock) => {
    const naiveMs = Date.UTC(time.year, time.month - 1, time.day, time.hour, time.minute, time.second);
    const hourMs = naiveMs - (naiveMs % HOUR_MS);
    let offsetMs = offsetByHour.get(hourMs);
    if (offsetMs === undefined) {
      offsetMs = steadyOffsetMs(hourMs, zone);
      offsetByHour.set(hourMs, offsetMs);
    }
    if (offsetMs === null) return wallClockToInstant(wallClock, zone);
    return { instant: new Date(naiveMs - offsetMs), resolution: 'exact' };
  };
}

function steadyOffsetMs(hourNaiveMs: number, zone: string): number | null {
  const naive = (ms: number) => new Date(ms).toISOString().slice(0, 19);
  const first = wallClockToInstant(naive(hourNaiveMs), zone);
  const last = wallClockToInstant(naive(hourNaiveMs + HOUR_MS - 1000), zone);
  if (first.resolution !== 'exact' || last.resolution !== 'exact') return null;
  if (last.instant.getTime() - first.instant.getTime() !== HOUR_MS - 1000) return null;
  return hourNaiveMs - first.instant.getTime();
}
