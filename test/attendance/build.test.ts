import type { AttendanceDay, PunchInput } from '../../lib/attendance/index.js';
import { buildAttendanceDays } from '../../lib/attendance/index.js';
import { ConfigurationError, InvalidRecordError } from '../../lib/errors.js';
import { formatInstant } from '../../lib/time/wallclock.js';
import { overnightRules, punch, rules } from './punches.js';

/** The parts of a record a person checks: dates, wall clocks, flags, counts. */
function summary(day: AttendanceDay) {
  return {
    userId: day.userId,
    date: day.date,
    clockIn: day.clockIn.wallClock,
    clockOut: day.clockOut?.wallClock ?? null,
    punchCount: day.punchCount,
    deviceIds: day.deviceIds,
    isOutlier: day.isOutlier,
    outlierReason: day.outlierReason,
    flags: day.flags,
  };
}

const build = (punches: PunchInput[], cfg = rules()) => buildAttendanceDays(punches, cfg).map(summary);

describe('buildAttendanceDays', () => {
  test('a normal day: first punch in, last punch out, no flags', () => {
    const days = buildAttendanceDays(
      [punch('2025-11-11T17:30:00', { id: 'p2' }), punch('2025-11-11T08:15:30', { id: 'p1' })],
      rules(),
    );
    expect(days).toEqual([
      {
        userId: 'EMP001',
        date: '2025-11-11',
        clockIn: {
          instant: new Date('2025-11-11T05:15:30Z'),
          timezone: 'Europe/Istanbul',
          wallClock: '2025-11-11T08:15:30',
          punchId: 'p1',
          deviceId: 1,
        },
        clockOut: {
          instant: new Date('2025-11-11T14:30:00Z'),
          timezone: 'Europe/Istanbul',
          wallClock: '2025-11-11T17:30:00',
          punchId: 'p2',
          deviceId: 1,
        },
        punchCount: 2,
        deviceIds: [1],
        punchIds: ['p1', 'p2'],
        isOutlier: false,
        outlierReason: '',
        flags: [],
      },
    ]);
    // The CRM payload's shape, from the same values.
    expect(formatInstant(days[0].clockIn.instant, days[0].clockIn.timezone)).toBe(
      '2025-11-11T08:15:30+03:00',
    );
  });

  test.each([
    [
      'a single punch: no clock-out, flagged',
      ['2025-11-11T08:00:00'],
      { clockIn: '2025-11-11T08:00:00', clockOut: null, punchCount: 1, flags: ['Missing clock-out'] },
    ],
    [
      'three punches: the middle one only counts',
      ['2025-11-11T08:00:00', '2025-11-11T12:30:00', '2025-11-11T17:00:00'],
      { clockIn: '2025-11-11T08:00:00', clockOut: '2025-11-11T17:00:00', punchCount: 3, flags: [] },
    ],
    [
      'a double tap at clock-in is one clock-in',
      ['2025-11-11T08:00:05', '2025-11-11T08:00:20', '2025-11-11T17:00:00'],
      { clockIn: '2025-11-11T08:00:05', clockOut: '2025-11-11T17:00:00', punchCount: 3, flags: [] },
    ],
    [
      'a double tap alone is a single punch',
      ['2025-11-11T08:00:05', '2025-11-11T08:00:20'],
      { clockIn: '2025-11-11T08:00:05', clockOut: null, punchCount: 2, flags: ['Missing clock-out'] },
    ],
    [
      'a repeat exactly 60 s later is still a repeat',
      ['2025-11-11T08:00:00', '2025-11-11T08:01:00'],
      { clockIn: '2025-11-11T08:00:00', clockOut: null, punchCount: 2, flags: ['Missing clock-out'] },
    ],
    [
      'a punch 61 s later is a clock-out',
      ['2025-11-11T08:00:00', '2025-11-11T08:01:01'],
      { clockIn: '2025-11-11T08:00:00', clockOut: '2025-11-11T08:01:01', punchCount: 2, flags: [] },
    ],
    [
      'repeats are measured from the kept punch, not chained',
      ['2025-11-11T08:00:00', '2025-11-11T08:00:50', '2025-11-11T08:01:40'],
      { clockIn: '2025-11-11T08:00:00', clockOut: '2025-11-11T08:01:40', punchCount: 3, flags: [] },
    ],
    [
      'a double tap at clock-out keeps the first tap',
      ['2025-11-11T08:00:00', '2025-11-11T17:00:00', '2025-11-11T17:00:30'],
      { clockIn: '2025-11-11T08:00:00', clockOut: '2025-11-11T17:00:00', punchCount: 3, flags: [] },
    ],
  ])('%s', (_name, wallClocks, expected) => {
    const [day] = build(wallClocks.map((wallClock) => punch(wallClock)));
    expect(day).toMatchObject(expected);
  });

  test('repeats are listed in punchIds even though they do not pair', () => {
    const [day] = buildAttendanceDays(
      [punch('2025-11-11T08:00:05', { id: 'a' }), punch('2025-11-11T08:00:20', { id: 'b' })],
      rules(),
    );
    expect(day.punchIds).toEqual(['a', 'b']);
    expect(day.clockIn.punchId).toBe('a');
  });

  test('with debounce 0 only punches at the same second are repeats', () => {
    const [day] = build(
      [punch('2025-11-11T08:00:00', { id: 'a' }), punch('2025-11-11T08:00:01', { id: 'b' })],
      rules({ debounceSeconds: 0 }),
    );
    expect(day.clockOut).toBe('2025-11-11T08:00:01');
  });

  test('punches at the same instant pair by punch id', () => {
    const [day] = buildAttendanceDays(
      [
        punch('2025-11-11T08:00:00', { id: 'b', deviceId: 2 }),
        punch('2025-11-11T08:00:00', { id: 'a', deviceId: 1 }),
        punch('2025-11-11T17:00:00', { id: 'c' }),
      ],
      rules(),
    );
    expect(day.clockIn.punchId).toBe('a');
  });

  test('one user on two devices: one record with both devices', () => {
    const [day, ...rest] = buildAttendanceDays(
      [
        punch('2025-11-11T08:10:00', { id: 'gate-in', deviceId: 7 }),
        punch('2025-11-11T12:00:00', { id: 'canteen', deviceId: 3 }),
        punch('2025-11-11T17:45:00', { id: 'gate-out', deviceId: 7 }),
      ],
      rules(),
    );
    expect(rest).toEqual([]);
    expect(day.deviceIds).toEqual([3, 7]);
    expect(day.punchIds).toEqual(['canteen', 'gate-in', 'gate-out']);
    expect([day.clockIn.punchId, day.clockOut?.punchId]).toEqual(['gate-in', 'gate-out']);
  });

  test('one record per user and day, sorted by user then date', () => {
    const days = build([
      punch('2025-11-12T08:00:00', { userId: 'EMP002' }),
      punch('2025-11-11T08:00:00', { userId: 'EMP002' }),
      punch('2025-11-11T17:00:00', { userId: 'EMP001' }),
      punch('2025-11-11T08:00:00', { userId: 'EMP001' }),
      punch('2025-11-11T17:00:00', { userId: 'EMP002' }),
    ]);
    expect(days.map((d) => [d.userId, d.date, d.punchCount])).toEqual([
      ['EMP001', '2025-11-11', 2],
      ['EMP002', '2025-11-11', 2],
      ['EMP002', '2025-11-12', 1],
    ]);
  });

  test('state codes are advisory: a "check-out" state first is still the clock-in', () => {
    const [day] = build([
      punch('2025-11-11T08:00:00', { state: 1 }),
      punch('2025-11-11T17:00:00', { state: 0 }),
    ]);
    expect([day.clockIn, day.clockOut]).toEqual(['2025-11-11T08:00:00', '2025-11-11T17:00:00']);
  });

  test('several outlier flags at once make one reason joined with "; "', () => {
    const [day] = build([punch('2025-11-11T05:30:00'), punch('2025-11-11T22:15:00')]);
    expect(day.isOutlier).toBe(true);
    expect(day.outlierReason).toBe('Clock-in too early; Clock-out too late');
    expect(day.flags).toEqual([]);
  });

  test('our flags do not make an outlier', () => {
    const [day] = build([punch('2025-11-11T08:00:00', { clockOffsetSeconds: 412 })]);
    expect(day.isOutlier).toBe(false);
    expect(day.outlierReason).toBe('');
    expect(day.flags).toEqual(['Missing clock-out', 'Device clock off by 412 s (device 1)']);
  });

  test.each([
    ['below the threshold', [120, -299], []],
    ['at the threshold', [300], []],
    ['a device ahead', [301], ['Device clock off by 301 s (device 1)']],
    ['a device behind', [-412], ['Device clock off by 412 s (device 1)']],
    ['the worst offset of the day', [400, -650, null], ['Device clock off by 650 s (device 1)']],
    ['unknown offsets', [null, null], []],
  ])('device clock offset %s', (_name, offsets, expected) => {
    const punches = offsets.map((clockOffsetSeconds, i) =>
      punch(`2025-11-11T${String(8 + i * 4).padStart(2, '0')}:00:00`, { clockOffsetSeconds }),
    );
    expect(build(punches)[0].flags.filter((f) => f !== 'Missing clock-out')).toEqual(expected);
  });

  test('a flag per skewed device, by device id', () => {
    const [day] = build([
      punch('2025-11-11T08:00:00', { deviceId: 9, clockOffsetSeconds: 900 }),
      punch('2025-11-11T12:00:00', { deviceId: 2, clockOffsetSeconds: 10 }),
      punch('2025-11-11T17:00:00', { deviceId: 4, clockOffsetSeconds: -3600 }),
    ]);
    expect(day.flags).toEqual([
      'Device clock off by 3600 s (device 4)',
      'Device clock off by 900 s (device 9)',
    ]);
  });

  test('an overnight shift across midnight is one record dated the day it started', () => {
    const days = build(
      [
        punch('2025-11-11T19:55:00'),
        punch('2025-11-12T00:30:00'),
        punch('2025-11-12T05:10:00'),
        punch('2025-11-12T19:58:00'),
        punch('2025-11-13T05:02:00'),
      ],
      overnightRules,
    );
    expect(days).toEqual([
      expect.objectContaining({
        date: '2025-11-11',
        clockIn: '2025-11-11T19:55:00',
        clockOut: '2025-11-12T05:10:00',
        punchCount: 3,
        isOutlier: false,
      }),
      expect.objectContaining({
        date: '2025-11-12',
        clockIn: '2025-11-12T19:58:00',
        clockOut: '2025-11-13T05:02:00',
        isOutlier: false,
      }),
    ]);
  });

  test('the same overnight punches on calendar days split the shift', () => {
    const days = build(
      [punch('2025-11-11T20:00:00'), punch('2025-11-12T05:00:00')],
      rules({ workStart: '14:00', workEnd: '23:00' }),
    );
    expect(days.map((d) => d.date)).toEqual(['2025-11-11', '2025-11-12']);
  });

  describe('DST days', () => {
    test.each([
      [
        'Berlin spring-forward day, a day shift after the change',
        'Europe/Berlin',
        ['2025-03-30T08:00:00', '2025-03-30T17:00:00'],
        rules(),
        { date: '2025-03-30', in: '2025-03-30T08:00:00+02:00', out: '2025-03-30T17:00:00+02:00' },
      ],
      [
        'Berlin overnight shift across the spring-forward gap',
        'Europe/Berlin',
        ['2025-03-29T20:00:00', '2025-03-30T05:00:00'],
        overnightRules,
        { date: '2025-03-29', in: '2025-03-29T20:00:00+01:00', out: '2025-03-30T05:00:00+02:00' },
      ],
      [
        'Berlin, a punch inside the gap moves forward by an hour',
        'Europe/Berlin',
        ['2025-03-29T20:00:00', '2025-03-30T02:30:00'],
        overnightRules,
        { date: '2025-03-29', in: '2025-03-29T20:00:00+01:00', out: '2025-03-30T03:30:00+02:00' },
      ],
      [
        'Berlin overnight shift across the fall-back overlap',
        'Europe/Berlin',
        ['2025-10-25T20:00:00', '2025-10-26T05:00:00'],
        overnightRules,
        { date: '2025-10-25', in: '2025-10-25T20:00:00+02:00', out: '2025-10-26T05:00:00+01:00' },
      ],
      [
        'Berlin, a punch inside the overlap takes the first occurrence',
        'Europe/Berlin',
        ['2025-10-25T20:00:00', '2025-10-26T02:30:00'],
        overnightRules,
        { date: '2025-10-25', in: '2025-10-25T20:00:00+02:00', out: '2025-10-26T02:30:00+02:00' },
      ],
      [
        'New York spring forward, a punch inside the gap',
        'America/New_York',
        ['2025-03-08T20:00:00', '2025-03-09T02:30:00'],
        overnightRules,
        { date: '2025-03-08', in: '2025-03-08T20:00:00-05:00', out: '2025-03-09T03:30:00-04:00' },
      ],
      [
        'New York fall back, a punch inside the overlap',
        'America/New_York',
        ['2025-11-01T20:00:00', '2025-11-02T01:30:00'],
        overnightRules,
        { date: '2025-11-01', in: '2025-11-01T20:00:00-04:00', out: '2025-11-02T01:30:00-04:00' },
      ],
    ])('%s', (_name, timezone, wallClocks, cfg, expected) => {
      const days = buildAttendanceDays(
        wallClocks.map((wallClock) => punch(wallClock, { timezone })),
        cfg,
      );
      expect(days).toHaveLength(1);
      const [day] = days;
      expect({
        date: day.date,
        in: formatInstant(day.clockIn.instant, timezone),
        out: day.clockOut && formatInstant(day.clockOut.instant, timezone),
      }).toEqual(expected);
    });

    test('the fall-back hour: the second occurrence of 02:30 stays after the first', () => {
      // Both punches show 02:30 on the wall; ingest knew the second was an hour later (a device
      // that reports in sequence), and the rules keep that order.
      const first = punch('2025-10-26T02:30:00', { id: 'first', timezone: 'Europe/Berlin' });
      const second = {
        ...punch('2025-10-26T02:30:00', { id: 'second', timezone: 'Europe/Berlin' }),
        instant: new Date('2025-10-26T01:30:00Z'),
      };
      const [day] = buildAttendanceDays([second, first], rules({ dayChangeTime: '00:00' }));
      expect([day.clockIn.punchId, day.clockOut?.punchId]).toEqual(['first', 'second']);
    });
  });

  test('a device in another zone than the bridge: Kolkata dates and flags by its own wall clock', () => {
    const [day, ...rest] = buildAttendanceDays(
      [
        // 00:30 on the 12th in Kolkata is 19:00 UTC on the 11th: the record is dated the 12th.
        punch('2025-11-12T00:30:00', { timezone: 'Asia/Kolkata', id: 'k1' }),
        punch('2025-11-12T09:00:00', { timezone: 'Asia/Kolkata', id: 'k2' }),
      ],
      rules(),
    );
    expect(rest).toEqual([]);
    expect(day.date).toBe('2025-11-12');
    expect(day.clockIn.instant.toISOString()).toBe('2025-11-11T19:00:00.000Z');
    expect(formatInstant(day.clockIn.instant, day.clockIn.timezone)).toBe('2025-11-12T00:30:00+05:30');
    expect(day.outlierReason).toBe('Clock-in too early; Clock-out too early');
  });

  test('one user on devices in two zones merges by each device own calendar', () => {
    const days = build([
      punch('2025-11-11T08:00:00', { timezone: 'Europe/Istanbul', deviceId: 1 }),
      punch('2025-11-11T18:00:00', { timezone: 'Asia/Kolkata', deviceId: 2 }),
    ]);
    expect(days).toEqual([
      expect.objectContaining({ date: '2025-11-11', deviceIds: [1, 2], clockOut: '2025-11-11T18:00:00' }),
    ]);
  });

  test('no punches, no records', () => {
    expect(buildAttendanceDays([], rules())).toEqual([]);
  });

  test('rejects a punch id given twice', () => {
    const p = punch('2025-11-11T08:00:00', { id: 'dup' });
    expect(() => buildAttendanceDays([p, { ...p }], rules())).toThrow(InvalidRecordError);
    expect(() => buildAttendanceDays([p, { ...p }], rules())).toThrow(/punch dup/);
  });

  test('rejects a punch whose instant does not match its wall clock and zone', () => {
    const misdated = { ...punch('2025-11-11T08:00:00', { id: 'p9' }), timezone: 'Asia/Kolkata' };
    expect(() => buildAttendanceDays([misdated], rules())).toThrow(InvalidRecordError);
    expect(() => buildAttendanceDays([misdated], rules())).toThrow(/punch p9.*recompute/);
  });

  test('rejects rules that would misdate punches', () => {
    expect(() => buildAttendanceDays([], rules({ workStart: '20:00', workEnd: '05:00' }))).toThrow(
      ConfigurationError,
    );
  });

  test('does not share or change its input', () => {
    const input = [punch('2025-11-11T17:00:00'), punch('2025-11-11T08:00:00')];
    const before = structuredClone(input);
    const [day] = buildAttendanceDays(input, rules());
    expect(input).toEqual(before);
    day.clockIn.instant.setTime(0);
    expect(input).toEqual(before);
  });
});
