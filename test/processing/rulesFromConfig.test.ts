import { rulesConfigFromConfig } from '../../lib/attendance/fromConfig.js';
import { defaultRulesConfig } from '../../lib/attendance/index.js';
import { parseConfig } from '../../lib/config.js';
import { ConfigurationError } from '../../lib/errors.js';

describe('rulesConfigFromConfig', () => {
  // Their values are pinned in test/attendance/config.test.ts.
  test('the settings default to the rules defaults', () => {
    expect(rulesConfigFromConfig(parseConfig({}))).toEqual(defaultRulesConfig);
  });

  test('every setting reaches its rule', () => {
    const rules = rulesConfigFromConfig(
      parseConfig({
        WORK_START_TIME: '20:00',
        WORK_END_TIME: '05:00',
        CLOCK_IN_EARLY_MINUTES: '30',
        CLOCK_IN_LATE_MINUTES: '45',
        CLOCK_OUT_EARLY_MINUTES: '60',
        CLOCK_OUT_LATE_MINUTES: '90',
        OVERNIGHT_SHIFT: 'true',
        OVERNIGHT_SHIFT_BUFFER_HOURS: '3',
        DAY_CHANGE_TIME: '12:00',
        PUNCH_DEBOUNCE_SECONDS: '15',
        CLOCK_OFFSET_THRESHOLD_SECONDS: '120',
      }),
    );
    expect(rules).toEqual({
      workStart: '20:00',
      workEnd: '05:00',
      clockInEarlyMinutes: 30,
      clockInLateMinutes: 45,
      clockOutEarlyMinutes: 60,
      clockOutLateMinutes: 90,
      overnightShift: true,
      overnightBufferHours: 3,
      dayChangeTime: '12:00',
      debounceSeconds: 15,
      clockOffsetThresholdSeconds: 120,
    });
  });

  test.each([
    [{ WORK_START_TIME: '20:00', WORK_END_TIME: '05:00' }, /set OVERNIGHT_SHIFT=true/],
    [
      {
        WORK_START_TIME: '20:00',
        WORK_END_TIME: '05:00',
        OVERNIGHT_SHIFT: 'true',
        OVERNIGHT_SHIFT_BUFFER_HOURS: '16',
      },
      /lower OVERNIGHT_SHIFT_BUFFER_HOURS/,
    ],
  ])('refuses settings that would misdate punches: %j', (settings, message) => {
    const config = parseConfig(settings);
    expect(() => rulesConfigFromConfig(config)).toThrow(ConfigurationError);
    expect(() => rulesConfigFromConfig(config)).toThrow(message);
  });
});
