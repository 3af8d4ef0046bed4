import { addDays, msSinceMidnight, wallClockToNaiveMs } from '../time/naive.js';
import { dayChangeMinutes, validateRulesConfig } from './config.js';
import type { PunchInput, RulesConfig } from './types.js';

/**
 * The attendance day ('YYYY-MM-DD') a wall clock belongs to, given the day change in minutes after
 * midnight (null: the calendar date). A punch before the day change belongs to the previous day, so
 * a 20:00 -> 05:00 shift is dated the day it started.
 */
export function attendanceDayOfWallClock(wallClock: string, dayChange: number | null): string {
  const naiveMs = wallClockToNaiveMs(wallClock);
  const calendarDate = wallClock.slice(0, 10);
  if (dayChange === null || msSinceMidnight(naiveMs) >= dayChange * 60_000) return calendarDate;
  return addDays(calendarDate, -1);
}

/**
 * The attendance day of a punch, read from its own wall clock in its device's zone (never the
 * bridge's zone: a device in Kolkata dates its punches by the Kolkata calendar).
 */
export function assignAttendanceDay(p: PunchInput, cfg: RulesConfig): string {
  validateRulesConfig(cfg);
  return attendanceDayOfWallClock(p.wallClock, dayChangeMinutes(cfg));
}
