import type { WallClock } from '../codec/index.js';

/**
 * Calendar arithmetic on device wall-clock fields. A terminal's clock is naive (no zone), so the
 * arithmetic is done on a naive seconds count: the fields read as if they were UTC. No DST gaps or
 * repeats exist on that scale, which is exactly how the device itself counts.
 */
export function wallClockToNaiveSeconds(w: WallClock): number {
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) / 1000;
}

export function naiveSecondsToWallClock(seconds: number): WallClock {
  const d = new Date(Math.floor(seconds) * 1000);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
  };
}

export function addSeconds(w: WallClock, seconds: number): WallClock {
  return naiveSecondsToWallClock(wallClockToNaiveSeconds(w) + seconds);
}

export function compareWallClock(a: WallClock, b: WallClock): number {
  return wallClockToNaiveSeconds(a) - wallClockToNaiveSeconds(b);
}

/** 0 = Sunday ... 6 = Saturday. */
export function dayOfWeek(w: WallClock): number {
  return new Date(wallClockToNaiveSeconds(w) * 1000).getUTCDay();
}

/** 'YYYY-MM-DD' as midnight of that day, or null when it is not a real date. */
export function parseCalendarDate(text: string): WallClock | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return null;
  const date: WallClock = {
    year: +match[1],
    month: +match[2],
    day: +match[3],
    hour: 0,
    minute: 0,
    second: 0,
  };
  const roundTrip = naiveSecondsToWallClock(wallClockToNaiveSeconds(date));
  return roundTrip.month === date.month && roundTrip.day === date.day ? date : null;
}
