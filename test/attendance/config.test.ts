import { dayChangeMinutes, defaultRulesConfig, validateRulesConfig } from '../../lib/attendance/index.js';
import { ConfigurationError } from '../../lib/errors.js';
import { rules } from './punches.js';

describe('defaultRulesConfig', () => {
  test('matches the original system and is valid', () => {
    expect(defaultRulesConfig).toEqual({
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
    expect(() => validateRulesConfig(defaultRulesConfig)).not.toThrow();
  });

  test('cannot be changed by accident', () => {
    expect(Object.isFrozen(defaultRulesConfig)).toBe(true);
  });
});

describe('dayChangeMinutes', () => {
  test.each([
    ['calendar days by default', {}, null],
    [
      'overnight 20:00-05:00, buffer 4: 09:00',
      { workStart: '20:00', workEnd: '05:00', overnightShift: true, overnightBufferHours: 4 },
      540,
    ],
    [
      'overnight 22:00-06:00, buffer 2: 08:00',
      { workStart: '22:00', workEnd: '06:00', overnightShift: true, overnightBufferHours: 2 },
      480,
    ],
    [
      'late shift 14:00-23:00, buffer 4: 03:00',
      { workStart: '14:00', workEnd: '23:00', overnightShift: true, overnightBufferHours: 4 },
      180,
    ],
    ['day shift 08:00-18:00, default buffer stays before midnight: calendar', { overnightShift: true }, null],
    ['explicit day change without overnight', { dayChangeTime: '04:00' }, 240],
    [
      'explicit day change overrides the derived one',
      { workStart: '20:00', workEnd: '05:00', overnightShift: true, dayChangeTime: '12:00' },
      720,
    ],
    [
      'half-hour buffer',
      { workStart: '20:00', workEnd: '05:00', overnightShift: true, overnightBufferHours: 0.5 },
      330,
    ],
  ])('%s', (_name, overrides, expected) => {
    expect(dayChangeMinutes(rules(overrides))).toBe(expected);
  });
});

describe('validateRulesConfig', () => {
  test.each([
    ['malformed start', { workStart: '8am' }, /WORK_START_TIME "8am"/],
    ['malformed end', { workEnd: '25:00' }, /WORK_END_TIME "25:00"/],
    ['malformed day change', { dayChangeTime: '4' }, /day change time "4"/],
    ['negative margin', { clockInLateMinutes: -1 }, /clock-in late margin/],
    ['NaN buffer', { overnightBufferHours: Number.NaN }, /OVERNIGHT_SHIFT_BUFFER_HOURS/],
    ['negative debounce', { debounceSeconds: -5 }, /debounce/],
    [
      'shift crossing midnight on calendar days',
      { workStart: '20:00', workEnd: '05:00' },
      /set OVERNIGHT_SHIFT=true/,
    ],
    [
      'buffer so large the day change passes the shift start',
      { workStart: '20:00', workEnd: '05:00', overnightShift: true, overnightBufferHours: 16 },
      /day change at 21:00 is after WORK_START_TIME 20:00/,
    ],
    ['day change after a day shift starts', { dayChangeTime: '09:00' }, /day change at 09:00/],
  ])('rejects %s', (_name, overrides, message) => {
    expect(() => validateRulesConfig(rules(overrides))).toThrow(ConfigurationError);
    expect(() => validateRulesConfig(rules(overrides))).toThrow(message);
  });

  test.each([
    ['day change exactly at the shift start', { dayChangeTime: '08:00' }],
    ['a 24 h shift with a day change', { workStart: '07:00', workEnd: '07:00', dayChangeTime: '07:00' }],
    ['zero margins', { clockInEarlyMinutes: 0, clockInLateMinutes: 0, debounceSeconds: 0 }],
  ])('accepts %s', (_name, overrides) => {
    expect(() => validateRulesConfig(rules(overrides))).not.toThrow();
  });
});
