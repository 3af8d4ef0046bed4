import fc from 'fast-check';
import type { PunchInput, RulesConfig } from '../../lib/attendance/index.js';
import {
  assignAttendanceDay,
  attendanceDayContentKey,
  buildAttendanceDays,
  defaultRulesConfig,
} from '../../lib/attendance/index.js';
import { naiveMsToWallClock, wallClockToNaiveMs } from '../../lib/time/naive.js';
import { wallClockToInstant } from '../../lib/time/wallclock.js';

const devices = [
  { deviceId: 1, timezone: 'Europe/Berlin' },
  { deviceId: 2, timezone: 'America/New_York' },
  { deviceId: 3, timezone: 'Asia/Kolkata' },
  { deviceId: 4, timezone: 'UTC' },
];

const configs: RulesConfig[] = [
  defaultRulesConfig,
  { ...defaultRulesConfig, workStart: '20:00', workEnd: '05:00', overnightShift: true },
  { ...defaultRulesConfig, dayChangeTime: '04:00', debounceSeconds: 0 },
  { ...defaultRulesConfig, workStart: '14:00', workEnd: '23:00', overnightShift: true, debounceSeconds: 600 },
];

/** Wall clocks over a few days around the Berlin and New York DST changes, gaps and overlaps included. */
const windows = ['2025-03-08T00:00:00', '2025-03-29T00:00:00', '2025-10-25T00:00:00', '2025-11-01T00:00:00'];
// Coarse minutes and seconds so that equal instants, repeats within the debounce and punches on
// both sides of a limit all come up often.
const wallClockArb = fc
  .record({
    start: fc.constantFrom(...windows),
    day: fc.integer({ min: 0, max: 2 }),
    hour: fc.integer({ min: 0, max: 23 }),
    minute: fc.constantFrom(0, 1, 30, 59),
    second: fc.constantFrom(0, 20, 59),
  })
  .map(({ start, day, hour, minute, second }) =>
    naiveMsToWallClock(wallClockToNaiveMs(start) + ((day * 24 + hour) * 3600 + minute * 60 + second) * 1000),
  );

const punchFieldsArb = fc.record({
  userId: fc.constantFrom('EMP001', 'EMP002', 'EMP010'),
  device: fc.constantFrom(...devices),
  wallClock: wallClockArb,
  state: fc.constantFrom(0, 1, 255),
  clockOffsetSeconds: fc.option(fc.integer({ min: -900, max: 900 }), { nil: null }),
});

const toPunch = (f: PunchFields, i: number): PunchInput => ({
  id: `punch-${String(i).padStart(3, '0')}`,
  userId: f.userId,
  deviceId: f.device.deviceId,
  wallClock: f.wallClock,
  instant: wallClockToInstant(f.wallClock, f.device.timezone).instant,
  timezone: f.device.timezone,
  state: f.state,
  verifyType: 1,
  clockOffsetSeconds: f.clockOffsetSeconds,
});

type PunchFields = typeof punchFieldsArb extends fc.Arbitrary<infer T> ? T : never;

/**
 * Punches, some of them echoed at the same instant on a twin device (a second terminal at the same
 * door), so that equal instants, which only the punch id can order, come up in most runs.
 */
const punchesArb = fc
  .tuple(fc.array(punchFieldsArb, { maxLength: 40 }), fc.array(fc.nat(), { maxLength: 10 }))
  .map(([fields, echoes]) => {
    const twins = fields.length === 0 ? [] : echoes.map((n) => fields[n % fields.length]);
    return [
      ...fields,
      ...twins.map((f) => ({ ...f, device: { ...f.device, deviceId: f.device.deviceId + 10 } })),
    ].map(toPunch);
  });

/** The same punches in another order. */
const shuffledArb = punchesArb.chain((punches) =>
  fc.tuple(fc.constant(punches), fc.shuffledSubarray(punches, { minLength: punches.length })),
);

const configArb = fc.constantFrom(...configs);

describe('buildAttendanceDays properties', () => {
  test('one record per distinct (user, assigned day)', () => {
    fc.assert(
      fc.property(punchesArb, configArb, (punches, cfg) => {
        const expected = new Set(punches.map((p) => `${p.userId}|${assignAttendanceDay(p, cfg)}`));
        const days = buildAttendanceDays(punches, cfg);
        expect(days.map((d) => `${d.userId}|${d.date}`).sort()).toEqual([...expected].sort());
      }),
    );
  });

  test('clock-in is never after clock-out', () => {
    fc.assert(
      fc.property(punchesArb, configArb, (punches, cfg) => {
        for (const day of buildAttendanceDays(punches, cfg)) {
          if (day.clockOut) {
            expect(day.clockIn.instant.getTime()).toBeLessThanOrEqual(day.clockOut.instant.getTime());
          }
        }
      }),
    );
  });

  test('every punch is in exactly one record, and the counts add up', () => {
    fc.assert(
      fc.property(punchesArb, configArb, (punches, cfg) => {
        const days = buildAttendanceDays(punches, cfg);
        const listed = days.flatMap((d) => d.punchIds);
        expect([...listed].sort()).toEqual(punches.map((p) => p.id).sort());
        for (const day of days) expect(day.punchCount).toBe(day.punchIds.length);
      }),
    );
  });

  test('pairing matches a reference model: first punch in, last non-repeat out', () => {
    fc.assert(
      fc.property(punchesArb, configArb, (punches, cfg) => {
        const byId = new Map(punches.map((p) => [p.id, p]));
        for (const day of buildAttendanceDays(punches, cfg)) {
          const kept = keptTimes(
            day.punchIds.map((id) => byId.get(id)!.instant.getTime()),
            cfg.debounceSeconds,
          );
          expect(day.clockIn.instant.getTime()).toBe(kept[0]);
          expect(day.clockOut?.instant.getTime() ?? null).toBe(
            kept.length > 1 ? kept[kept.length - 1] : null,
          );
          expect(day.clockOut === null).toBe(day.flags.includes('Missing clock-out'));
          expect(day.isOutlier).toBe(day.outlierReason !== '');
        }
      }),
    );
  });

  test('the result does not depend on input order', () => {
    fc.assert(
      fc.property(shuffledArb, configArb, ([punches, shuffled], cfg) => {
        const a = buildAttendanceDays(punches, cfg);
        const b = buildAttendanceDays(shuffled, cfg);
        expect(b).toEqual(a);
        expect(b.map(attendanceDayContentKey)).toEqual(a.map(attendanceDayContentKey));
      }),
    );
  });

  test('records are sorted by user, then date', () => {
    fc.assert(
      fc.property(punchesArb, configArb, (punches, cfg) => {
        const keys = buildAttendanceDays(punches, cfg).map((d) => [d.userId, d.date]);
        const sorted = [...keys].sort(([u1, d1], [u2, d2]) =>
          u1 === u2 ? (d1 < d2 ? -1 : 1) : u1 < u2 ? -1 : 1,
        );
        expect(keys).toEqual(sorted);
      }),
    );
  });
});

/** The instants left after dropping repeats, written independently of the implementation. */
function keptTimes(times: number[], debounceSeconds: number): number[] {
  const kept: number[] = [];
  for (const t of [...times].sort((a, b) => a - b)) {
    if (kept.length === 0 || t - kept[kept.length - 1] > debounceSeconds * 1000) kept.push(t);
  }
  return kept;
}
