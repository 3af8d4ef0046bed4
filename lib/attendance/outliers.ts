import { dateToNaiveMs, wallClockToNaiveMs } from '../time/naive.js';
import { timeOfDaySetting, validateRulesConfig } from './config.js';
import type { OutlierCheckInput, RulesConfig } from './types.js';

export const OutlierFlag = {
  ClockInTooEarly: 'Clock-in too early',
  ClockInTooLate: 'Clock-in too late',
  ClockOutTooEarly: 'Clock-out too early',
  ClockOutTooLate: 'Clock-out too late',
} as const;

export type OutlierFlag = (typeof OutlierFlag)[keyof typeof OutlierFlag];

const MS_PER_MINUTE = 60_000;

/** The four limits of an attendance day, as naive wall-clock milliseconds. */
interface OutlierLimits {
  clockInEarliest: number;
  clockInLatest: number;
  clockOutEarliest: number;
  clockOutLatest: number;
}

/**
 * The limits sit on the attendance day's wall clock; when the shift ends at or before it starts
 * (20:00 -> 05:00), the end and its margins are on the next calendar day.
 */
export function outlierLimits(date: string, cfg: RulesConfig): OutlierLimits {
  const start = timeOfDaySetting(cfg.workStart, 'WORK_START_TIME');
  const end = timeOfDaySetting(cfg.workEnd, 'WORK_END_TIME');
  const dayMs = dateToNaiveMs(date);
  const startMs = dayMs + start * MS_PER_MINUTE;
  const endMs = dayMs + (end <= start ? end + 1440 : end) * MS_PER_MINUTE;
  return {
    clockInEarliest: startMs - cfg.clockInEarlyMinutes * MS_PER_MINUTE,
    clockInLatest: startMs + cfg.clockInLateMinutes * MS_PER_MINUTE,
    clockOutEarliest: endMs - cfg.clockOutEarlyMinutes * MS_PER_MINUTE,
    clockOutLatest: endMs + cfg.clockOutLateMinutes * MS_PER_MINUTE,
  };
}

/**
 * The outlier flags of a day, in the fixed order clock-in early, clock-in late, clock-out early,
 * clock-out late. Compared on each punch's device wall clock, to the second, with strict limits:
 * with 08:00 and a 2 h margin, 10:00:00 is on time and 10:00:01 is late; 06:00:00 is on time and
 * 05:59:59 is early.
 */
export function outlierFlags(day: OutlierCheckInput, cfg: RulesConfig): OutlierFlag[] {
  validateRulesConfig(cfg);
  const limits = outlierLimits(day.date, cfg);
  const flags: OutlierFlag[] = [];
  const clockIn = wallClockToNaiveMs(day.clockIn.wallClock);
  if (clockIn < limits.clockInEarliest) flags.push(OutlierFlag.ClockInTooEarly);
  if (clockIn > limits.clockInLatest) flags.push(OutlierFlag.ClockInTooLate);
  if (day.clockOut) {
    const clockOut = wallClockToNaiveMs(day.clockOut.wallClock);
    if (clockOut < limits.clockOutEarliest) flags.push(OutlierFlag.ClockOutTooEarly);
    if (clockOut > limits.clockOutLatest) flags.push(OutlierFlag.ClockOutTooLate);
  }
  return flags;
}

/** The original system's outlier_reason: the flags joined with '; ', '' when none. */
export function outlierReason(flags: readonly string[]): string {
  return flags.join('; ');
}
