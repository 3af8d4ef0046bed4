import type { Config } from '../config.js';
import { validateRulesConfig } from './config.js';
import type { RulesConfig } from './types.js';

/**
 * The attendance rules from the bridge's settings, validated, so a set-up that would misdate
 * punches stops the worker at start rather than producing wrong records later.
 */
export function rulesConfigFromConfig(config: Config): RulesConfig {
  const rules: RulesConfig = {
    workStart: config.WORK_START_TIME,
    workEnd: config.WORK_END_TIME,
    clockInEarlyMinutes: config.CLOCK_IN_EARLY_MINUTES,
    clockInLateMinutes: config.CLOCK_IN_LATE_MINUTES,
    clockOutEarlyMinutes: config.CLOCK_OUT_EARLY_MINUTES,
    clockOutLateMinutes: config.CLOCK_OUT_LATE_MINUTES,
    overnightShift: config.OVERNIGHT_SHIFT,
    overnightBufferHours: config.OVERNIGHT_SHIFT_BUFFER_HOURS,
    dayChangeTime: config.DAY_CHANGE_TIME ?? null,
    debounceSeconds: config.PUNCH_DEBOUNCE_SECONDS,
    clockOffsetThresholdSeconds: config.CLOCK_OFFSET_THRESHOLD_SECONDS,
  };
  validateRulesConfig(rules);
  return rules;
}
