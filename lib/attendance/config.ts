import { ConfigurationError } from '../errors.js';
import { formatTimeOfDay, parseTimeOfDay } from '../time/naive.js';
import type { RulesConfig } from './types.js';

/**
 * The rules' defaults, defined here only: the settings (lib/config.ts) take theirs from this, and
 * .env.example, the README and docs/ATTENDANCE.md are checked against it.
 */
export const defaultRulesConfig: RulesConfig = Object.freeze({
  workStart: '08:00',
  workEnd: '18:00',
  clockInEarlyMinutes: 120,
  clockInLateMinutes: 120,
  clockOutEarlyMinutes: 120,
  clockOutLateMinutes: 180,
  overnightShift: false,
  overnightBufferHours: 2,
  dayChangeTime: null,
  debounceSeconds: 60,
  clockOffsetThresholdSeconds: 300,
});

const MINUTES_PER_DAY = 1440;

/** Minutes after midnight of an 'HH:MM' setting; ConfigurationError naming the setting when malformed. */
export function timeOfDaySetting(value: string, setting: string): number {
  const minutes = parseTimeOfDay(value);
  if (minutes === null) {
    throw new ConfigurationError(`${setting} ${JSON.stringify(value)} is not a time of day like '08:00'`);
  }
  return minutes;
}

/**
 * The wall-clock time of day at which one attendance day ends and the next begins, in minutes after
 * midnight; null when days follow the calendar.
 *
 * With overnightShift and no explicit dayChangeTime it is workEnd + overnightBufferHours. When that
 * stays before midnight of a shift that ends the day it started (08:00-18:00, buffer 2: 20:00), no
 * punch can belong to the day before, so the calendar date applies (null).
 */
export function dayChangeMinutes(cfg: RulesConfig): number | null {
  if (cfg.dayChangeTime !== undefined && cfg.dayChangeTime !== null) {
    return timeOfDaySetting(cfg.dayChangeTime, 'day change time');
  }
  if (!cfg.overnightShift) return null;
  const start = timeOfDaySetting(cfg.workStart, 'WORK_START_TIME');
  const end = timeOfDaySetting(cfg.workEnd, 'WORK_END_TIME');
  const endsNextDay = end <= start;
  const change = end + Math.round(cfg.overnightBufferHours * 60);
  if (endsNextDay) return change % MINUTES_PER_DAY;
  return change >= MINUTES_PER_DAY ? change - MINUTES_PER_DAY : null;
}

function requireNonNegative(value: number, setting: string): void {
  if (!Number.isFinite(value) || value < 0) {
    throw new ConfigurationError(`${setting} must be a number of zero or more, got ${String(value)}`);
  }
}

/**
 * Rejects a configuration that would misdate punches or make the outlier rules meaningless. The
 * rules call it themselves; config loading should call it too, to fail at start-up.
 */
export function validateRulesConfig(cfg: RulesConfig): void {
  const start = timeOfDaySetting(cfg.workStart, 'WORK_START_TIME');
  const end = timeOfDaySetting(cfg.workEnd, 'WORK_END_TIME');
  requireNonNegative(cfg.clockInEarlyMinutes, 'clock-in early margin (minutes)');
  requireNonNegative(cfg.clockInLateMinutes, 'clock-in late margin (minutes)');
  requireNonNegative(cfg.clockOutEarlyMinutes, 'clock-out early margin (minutes)');
  requireNonNegative(cfg.clockOutLateMinutes, 'clock-out late margin (minutes)');
  requireNonNegative(cfg.overnightBufferHours, 'OVERNIGHT_SHIFT_BUFFER_HOURS');
  requireNonNegative(cfg.debounceSeconds, 'punch debounce (seconds)');
  requireNonNegative(cfg.clockOffsetThresholdSeconds, 'device clock offset threshold (seconds)');

  const change = dayChangeMinutes(cfg);
  if (end <= start && change === null) {
    throw new ConfigurationError(
      `WORK_END_TIME ${cfg.workEnd} is not after WORK_START_TIME ${cfg.workStart}, so the shift ends ` +
        'on the next day, but days follow the calendar: set OVERNIGHT_SHIFT=true (or a day change time) ' +
        'so a shift stays one record',
    );
  }
  if (change !== null && change > start) {
    throw new ConfigurationError(
      `the day change at ${formatTimeOfDay(change)} is after WORK_START_TIME ${cfg.workStart}: clock-ins ` +
        'at the start of the shift would be dated the previous day; lower OVERNIGHT_SHIFT_BUFFER_HOURS ' +
        'or the day change time',
    );
  }
}
