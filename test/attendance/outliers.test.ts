import { outlierFlags, outlierLimits } from '../../lib/attendance/index.js';
import { overnightRules, rules } from './punches.js';

const day = (clockIn: string, clockOut: string | null, date = '2025-11-11') => ({
  date,
  clockIn: { wallClock: `${date}T${clockIn}` },
  clockOut:
    clockOut === null ? null : { wallClock: clockOut.includes('T') ? clockOut : `${date}T${clockOut}` },
});

describe('outlierFlags with 08:00-18:00 and the default margins', () => {
  test.each([
    // clock-in, clock-out, expected flags
    ['08:15:30', '17:30:00', []],
    // Clock-in too early: before 06:00.
    ['05:59:00', '17:00:00', ['Clock-in too early']],
    ['05:59:59', '17:00:00', ['Clock-in too early']],
    ['06:00:00', '17:00:00', []],
    // Clock-in too late: after 10:00, to the second.
    ['10:00:00', '17:00:00', []],
    ['10:00:01', '17:00:00', ['Clock-in too late']],
    ['10:00:59', '17:00:00', ['Clock-in too late']],
    ['10:01:00', '17:00:00', ['Clock-in too late']],
    // Clock-out too early: before 16:00.
    ['08:00:00', '15:59:00', ['Clock-out too early']],
    ['08:00:00', '15:59:59', ['Clock-out too early']],
    ['08:00:00', '16:00:00', []],
    // Clock-out too late: after 21:00.
    ['08:00:00', '21:00:00', []],
    ['08:00:00', '21:00:01', ['Clock-out too late']],
    ['08:00:00', '21:01:00', ['Clock-out too late']],
    // Several at once, always in the order in-early, in-late, out-early, out-late.
    ['05:00:00', '15:00:00', ['Clock-in too early', 'Clock-out too early']],
    ['05:00:00', '22:00:00', ['Clock-in too early', 'Clock-out too late']],
    ['10:30:00', '10:45:00', ['Clock-in too late', 'Clock-out too early']],
    ['11:00:00', '23:00:00', ['Clock-in too late', 'Clock-out too late']],
    // A single punch is checked as a clock-in only.
    ['12:00:00', null, ['Clock-in too late']],
    ['08:00:00', null, []],
  ])('in %s, out %s -> %j', (clockIn, clockOut, expected) => {
    expect(outlierFlags(day(clockIn, clockOut), rules())).toEqual(expected);
  });
});

describe('outlierFlags with other settings', () => {
  test.each([
    [
      'start 09:30, in 07:29:59',
      rules({ workStart: '09:30' }),
      day('07:29:59', '17:00:00'),
      ['Clock-in too early'],
    ],
    ['start 09:30, in 11:30', rules({ workStart: '09:30' }), day('11:30:00', '17:00:00'), []],
    ['late margin 15 min, in 08:15', rules({ clockInLateMinutes: 15 }), day('08:15:00', '17:00:00'), []],
    [
      'late margin 15 min, in 08:15:01',
      rules({ clockInLateMinutes: 15 }),
      day('08:15:01', '17:00:00'),
      ['Clock-in too late'],
    ],
    [
      'end 22:00, out after midnight within 3 h',
      rules({ workStart: '14:00', workEnd: '22:00', dayChangeTime: '04:00' }),
      day('14:00:00', '2025-11-12T01:00:00'),
      [],
    ],
    [
      'end 22:00, out after 01:00 the next day',
      rules({ workStart: '14:00', workEnd: '22:00', dayChangeTime: '04:00' }),
      day('14:00:00', '2025-11-12T01:00:01'),
      ['Clock-out too late'],
    ],
  ])('%s', (_name, cfg, input, expected) => {
    expect(outlierFlags(input, cfg)).toEqual(expected);
  });
});

describe('outlierFlags for an overnight shift 20:00 -> 05:00', () => {
  // The end and its margins are on the day after the attendance day: out 03:00..08:00 next day.
  test.each([
    ['20:00:00', '2025-11-12T05:00:00', []],
    ['17:59:59', '2025-11-12T05:00:00', ['Clock-in too early']],
    ['18:00:00', '2025-11-12T05:00:00', []],
    ['22:00:00', '2025-11-12T05:00:00', []],
    ['22:00:01', '2025-11-12T05:00:00', ['Clock-in too late']],
    ['20:00:00', '2025-11-12T02:59:59', ['Clock-out too early']],
    ['20:00:00', '2025-11-12T03:00:00', []],
    ['20:00:00', '2025-11-12T08:00:00', []],
    ['20:00:00', '2025-11-12T08:00:01', ['Clock-out too late']],
    // Leaving before midnight is far too early, not "late" on some other day.
    ['20:00:00', '2025-11-11T23:00:00', ['Clock-out too early']],
  ])('in %s, out %s -> %j', (clockIn, clockOut, expected) => {
    expect(outlierFlags(day(clockIn, clockOut), overnightRules)).toEqual(expected);
  });

  test('limits sit on the wall clock of the attendance day and the next', () => {
    const limits = outlierLimits('2025-11-11', overnightRules);
    const show = (ms: number) => new Date(ms).toISOString().slice(0, 19);
    expect(show(limits.clockInEarliest)).toBe('2025-11-11T18:00:00');
    expect(show(limits.clockInLatest)).toBe('2025-11-11T22:00:00');
    expect(show(limits.clockOutEarliest)).toBe('2025-11-12T03:00:00');
    expect(show(limits.clockOutLatest)).toBe('2025-11-12T08:00:00');
  });
});

describe('outlierFlags on DST days compares wall clocks, not elapsed time', () => {
  test.each([
    // Berlin springs forward at 02:00 on 2025-03-30 and falls back at 03:00 on 2025-10-26; the limits
    // stay 06:00, 10:00, 16:00 and 21:00 on the wall.
    ['2025-03-30', '06:00:00', '21:00:00', []],
    ['2025-03-30', '05:59:59', '21:00:01', ['Clock-in too early', 'Clock-out too late']],
    ['2025-10-26', '06:00:00', '21:00:00', []],
    ['2025-10-26', '10:00:01', '15:59:59', ['Clock-in too late', 'Clock-out too early']],
  ])('%s in %s, out %s -> %j', (date, clockIn, clockOut, expected) => {
    expect(outlierFlags(day(clockIn, clockOut, date), rules())).toEqual(expected);
  });
});
