import fc from 'fast-check';
import { hourlyResolver, toPunches } from '../../lib/devices/punches.js';
import { wallClockToInstant } from '../../lib/time/wallclock.js';
import { formatWallClock, type WallClock } from '../../lib/zk/codec/index.js';

const ZONES = [
  'Europe/Berlin',
  'America/New_York',
  'Australia/Lord_Howe',
  'Africa/Nairobi',
  'Asia/Kolkata',
  'America/Sao_Paulo',
  'UTC',
];

const wallClock: fc.Arbitrary<WallClock> = fc.record({
  year: fc.integer({ min: 2000, max: 2040 }),
  month: fc.integer({ min: 1, max: 12 }),
  day: fc.integer({ min: 1, max: 28 }),
  hour: fc.integer({ min: 0, max: 23 }),
  minute: fc.integer({ min: 0, max: 59 }),
  second: fc.integer({ min: 0, max: 59 }),
});

describe('hourlyResolver', () => {
  test.each([
    ['Europe/Berlin', '2025-03-30T02:30:00', 'gap'],
    ['Europe/Berlin', '2025-03-30T03:00:00', 'exact'],
    ['Europe/Berlin', '2025-10-26T02:59:59', 'overlap'],
    ['Europe/Berlin', '2025-10-26T03:00:00', 'exact'],
    ['Australia/Lord_Howe', '2025-10-05T02:15:00', 'gap'],
    ['Australia/Lord_Howe', '2025-10-05T02:45:00', 'exact'],
  ])('%s %s is resolved as %s, as punch by punch', (zone, local, resolution) => {
    const resolve = hourlyResolver(zone);
    const [date, time] = local.split('T');
    const [year, month, day] = date.split('-').map(Number);
    const [hour, minute, second] = time.split(':').map(Number);
    const fields = { year, month, day, hour, minute, second };
    expect(resolve(fields, local)).toEqual(wallClockToInstant(local, zone));
    expect(resolve(fields, local).resolution).toBe(resolution);
  });

  test('gives what wallClockToInstant gives, in every zone, whatever came before in the same hour', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.array(wallClock, { minLength: 1, maxLength: 20 }),
        (zone, times) => {
          const resolve = hourlyResolver(zone);
          for (const time of times) {
            const local = formatWallClock(time);
            expect(resolve(time, local)).toEqual(wallClockToInstant(local, zone));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  test('around DST changes too: every minute of the days Berlin and New York change clocks', () => {
    for (const [zone, date] of [
      ['Europe/Berlin', { year: 2025, month: 3, day: 30 }],
      ['Europe/Berlin', { year: 2025, month: 10, day: 26 }],
      ['America/New_York', { year: 2025, month: 11, day: 2 }],
    ] as const) {
      const resolve = hourlyResolver(zone);
      for (let minuteOfDay = 0; minuteOfDay < 24 * 60; minuteOfDay += 7) {
        const time = { ...date, hour: Math.floor(minuteOfDay / 60), minute: minuteOfDay % 60, second: 59 };
        const local = formatWallClock(time);
        expect(resolve(time, local)).toEqual(wallClockToInstant(local, zone));
      }
    }
  });
});

test('toPunches keeps impossible dates and empty user ids apart', () => {
  const record = (userId: string, time: WallClock) => ({ userId, time, verifyType: 1, state: 0 });
  const { punches, invalid } = toPunches(
    [
      record('7', { year: 2025, month: 2, day: 31, hour: 8, minute: 0, second: 0 }),
      record('', { year: 2025, month: 2, day: 3, hour: 8, minute: 0, second: 0 }),
      record('8', { year: 2025, month: 2, day: 3, hour: 8, minute: 0, second: 0 }),
    ],
    { deviceId: 1, timezone: 'Africa/Nairobi', pollRunId: null, clockOffsetSeconds: 0 },
  );
  expect(invalid).toEqual([
    { userId: '7', time: '2025-02-31T08:00:00' },
    { userId: '', time: '2025-02-03T08:00:00' },
  ]);
  expect(punches.map((p) => [p.userId, p.punchedAt.toISOString()])).toEqual([
    ['8', '2025-02-03T05:00:00.000Z'],
  ]);
});
