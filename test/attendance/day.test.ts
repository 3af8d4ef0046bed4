import { assignAttendanceDay } from '../../lib/attendance/index.js';
import { ConfigurationError, InvalidRecordError } from '../../lib/errors.js';
import { overnightRules, punch, rules } from './punches.js';

describe('assignAttendanceDay', () => {
  test.each([
    ['calendar date', '2025-11-11T08:15:30', 'Europe/Istanbul', rules(), '2025-11-11'],
    ['just after midnight, calendar days', '2025-11-12T00:30:00', 'Europe/Istanbul', rules(), '2025-11-12'],
    // Overnight 20:00 -> 05:00 with buffer 4: the day changes at 09:00.
    ['overnight clock-in', '2025-11-11T20:00:00', 'Europe/Istanbul', overnightRules, '2025-11-11'],
    ['overnight before midnight', '2025-11-11T23:59:59', 'Europe/Istanbul', overnightRules, '2025-11-11'],
    ['overnight at midnight', '2025-11-12T00:00:00', 'Europe/Istanbul', overnightRules, '2025-11-11'],
    ['overnight clock-out', '2025-11-12T05:00:00', 'Europe/Istanbul', overnightRules, '2025-11-11'],
    [
      'overnight last second before change',
      '2025-11-12T08:59:59',
      'Europe/Istanbul',
      overnightRules,
      '2025-11-11',
    ],
    ['overnight at the change', '2025-11-12T09:00:00', 'Europe/Istanbul', overnightRules, '2025-11-12'],
    ['overnight across a year', '2026-01-01T04:00:00', 'Europe/Istanbul', overnightRules, '2025-12-31'],
    ['overnight across 29 February', '2024-03-01T04:00:00', 'Europe/Istanbul', overnightRules, '2024-02-29'],
    [
      'explicit day change, before',
      '2025-11-12T03:59:59',
      'UTC',
      rules({ dayChangeTime: '04:00' }),
      '2025-11-11',
    ],
    [
      'explicit day change, at',
      '2025-11-12T04:00:00',
      'UTC',
      rules({ dayChangeTime: '04:00' }),
      '2025-11-12',
    ],
    // The device's own calendar, not UTC's and not the bridge's: 00:30 in Kolkata is 19:00 UTC the day before.
    ['device in Kolkata', '2025-11-12T00:30:00', 'Asia/Kolkata', rules(), '2025-11-12'],
    // A wall clock inside the spring-forward gap is dated by what the device showed.
    ['overnight, Berlin gap', '2025-03-30T02:30:00', 'Europe/Berlin', overnightRules, '2025-03-29'],
    ['overnight, Berlin overlap', '2025-10-26T02:30:00', 'Europe/Berlin', overnightRules, '2025-10-25'],
    ['New York gap', '2025-03-09T02:30:00', 'America/New_York', rules(), '2025-03-09'],
  ])('%s: %s in %s', (_name, wallClock, timezone, cfg, expected) => {
    expect(assignAttendanceDay(punch(wallClock, { timezone }), cfg)).toBe(expected);
  });

  test('a state code does not change the day', () => {
    const states = [0, 1, 4, 5, 255].map((state) =>
      assignAttendanceDay(punch('2025-11-12T03:00:00', { state }), overnightRules),
    );
    expect(new Set(states)).toEqual(new Set(['2025-11-11']));
  });

  test('rejects a malformed wall clock and a shift that would misdate punches', () => {
    expect(() =>
      assignAttendanceDay({ ...punch('2025-11-11T08:00:00'), wallClock: '2025-11-11 08:00' }, rules()),
    ).toThrow(InvalidRecordError);
    expect(() =>
      assignAttendanceDay(punch('2025-11-11T08:00:00'), rules({ workStart: '20:00', workEnd: '05:00' })),
    ).toThrow(ConfigurationError);
  });
});
