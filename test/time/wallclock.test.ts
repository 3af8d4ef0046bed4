import fc from 'fast-check';
import { InvalidRecordError } from '../../lib/errors.js';
import { naiveMsToWallClock, wallClockToNaiveMs } from '../../lib/time/naive.js';
import {
  formatInstant,
  instantToWallClock,
  isTimeZone,
  wallClockToInstant,
} from '../../lib/time/wallclock.js';

describe('wallClockToInstant', () => {
  test.each([
    // zone, wall clock, expected UTC instant, resolution
    ['Europe/Istanbul', '2025-11-11T08:15:30', '2025-11-11T05:15:30.000Z', 'exact'],
    ['UTC', '2025-06-01T00:00:00', '2025-06-01T00:00:00.000Z', 'exact'],
    ['Asia/Kolkata', '2025-11-12T00:30:00', '2025-11-11T19:00:00.000Z', 'exact'],
    ['America/Los_Angeles', '2025-12-31T23:59:59', '2026-01-01T07:59:59.000Z', 'exact'],
    // Berlin spring forward 2025-03-30: 02:00 CET -> 03:00 CEST.
    ['Europe/Berlin', '2025-03-30T01:59:59', '2025-03-30T00:59:59.000Z', 'exact'],
    ['Europe/Berlin', '2025-03-30T02:00:00', '2025-03-30T01:00:00.000Z', 'gap'],
    ['Europe/Berlin', '2025-03-30T02:30:00', '2025-03-30T01:30:00.000Z', 'gap'],
    ['Europe/Berlin', '2025-03-30T02:59:59', '2025-03-30T01:59:59.000Z', 'gap'],
    ['Europe/Berlin', '2025-03-30T03:00:00', '2025-03-30T01:00:00.000Z', 'exact'],
    ['Europe/Berlin', '2025-03-30T03:30:00', '2025-03-30T01:30:00.000Z', 'exact'],
    // Berlin fall back 2025-10-26: 03:00 CEST -> 02:00 CET; 02:00-02:59:59 happens twice.
    ['Europe/Berlin', '2025-10-26T01:59:59', '2025-10-25T23:59:59.000Z', 'exact'],
    ['Europe/Berlin', '2025-10-26T02:00:00', '2025-10-26T00:00:00.000Z', 'overlap'],
    ['Europe/Berlin', '2025-10-26T02:30:00', '2025-10-26T00:30:00.000Z', 'overlap'],
    ['Europe/Berlin', '2025-10-26T02:59:59', '2025-10-26T00:59:59.000Z', 'overlap'],
    ['Europe/Berlin', '2025-10-26T03:00:00', '2025-10-26T02:00:00.000Z', 'exact'],
    // New York 2025-03-09 02:00 EST -> 03:00 EDT, and 2025-11-02 02:00 EDT -> 01:00 EST.
    ['America/New_York', '2025-03-09T02:30:00', '2025-03-09T07:30:00.000Z', 'gap'],
    ['America/New_York', '2025-03-09T03:30:00', '2025-03-09T07:30:00.000Z', 'exact'],
    ['America/New_York', '2025-11-02T01:30:00', '2025-11-02T05:30:00.000Z', 'overlap'],
    ['America/New_York', '2025-11-02T02:30:00', '2025-11-02T07:30:00.000Z', 'exact'],
    // A 30-minute DST gap (Lord Howe Island): 02:15 moves forward by 30 minutes, to 02:45.
    ['Australia/Lord_Howe', '2025-10-05T02:15:00', '2025-10-04T15:45:00.000Z', 'gap'],
  ])('%s %s -> %s (%s)', (zone, wallClock, expected, resolution) => {
    const result = wallClockToInstant(wallClock, zone);
    expect(result.instant.toISOString()).toBe(expected);
    expect(result.resolution).toBe(resolution);
  });

  test('a wall clock in a gap lands gap-length later on the wall', () => {
    const { instant } = wallClockToInstant('2025-03-30T02:30:00', 'Europe/Berlin');
    expect(instantToWallClock(instant, 'Europe/Berlin')).toBe('2025-03-30T03:30:00');
  });

  test('a wall clock in an overlap takes the first occurrence (summer time)', () => {
    const { instant } = wallClockToInstant('2025-10-26T02:30:00', 'Europe/Berlin');
    expect(formatInstant(instant, 'Europe/Berlin')).toBe('2025-10-26T02:30:00+02:00');
  });

  test.each([
    ['2025-11-11 08:15:30', 'Europe/Berlin'],
    ['2025-11-11T08:15', 'Europe/Berlin'],
    ['2025-11-11T08:15:30Z', 'Europe/Berlin'],
    ['2025-11-11T08:15:30+03:00', 'Europe/Berlin'],
    ['2025-02-29T08:00:00', 'Europe/Berlin'],
    ['2025-13-01T08:00:00', 'Europe/Berlin'],
    ['2025-04-31T08:00:00', 'Europe/Berlin'],
    ['2025-11-11T24:00:00', 'Europe/Berlin'],
    ['2025-11-11T08:60:00', 'Europe/Berlin'],
    ['2025-11-11T08:00:60', 'Europe/Berlin'],
    ['', 'Europe/Berlin'],
    ['2025-11-11T08:15:30', 'Mars/Olympus_Mons'],
    ['2025-11-11T08:15:30', '+03:00'],
    ['2025-11-11T08:15:30', ''],
  ])('rejects %j in %j with InvalidRecordError', (wallClock, zone) => {
    expect(() => wallClockToInstant(wallClock, zone)).toThrow(InvalidRecordError);
  });

  test('accepts 29 February in a leap year', () => {
    expect(wallClockToInstant('2024-02-29T08:00:00', 'UTC').instant.toISOString()).toBe(
      '2024-02-29T08:00:00.000Z',
    );
  });

  test('the error names the value that failed', () => {
    expect(() => wallClockToInstant('2025-11-11T08:15:30', 'Mars/Olympus_Mons')).toThrow(
      /Mars\/Olympus_Mons/,
    );
    expect(() => wallClockToInstant('11/11/2025 08:15', 'UTC')).toThrow(/11\/11\/2025 08:15/);
  });
});

describe('instantToWallClock', () => {
  test.each([
    ['2025-11-11T05:15:30.000Z', 'Europe/Istanbul', '2025-11-11T08:15:30'],
    ['2025-11-11T19:00:00.000Z', 'Asia/Kolkata', '2025-11-12T00:30:00'],
    ['2025-10-26T00:30:00.000Z', 'Europe/Berlin', '2025-10-26T02:30:00'],
    ['2025-10-26T01:30:00.000Z', 'Europe/Berlin', '2025-10-26T02:30:00'],
    ['2025-11-11T05:15:30.999Z', 'UTC', '2025-11-11T05:15:30'],
  ])('%s in %s is %s', (instant, zone, expected) => {
    expect(instantToWallClock(new Date(instant), zone)).toBe(expected);
  });

  test('rejects an invalid date and an unknown zone', () => {
    expect(() => instantToWallClock(new Date(Number.NaN), 'UTC')).toThrow(InvalidRecordError);
    expect(() => instantToWallClock(new Date(), 'Nowhere/Town')).toThrow(InvalidRecordError);
  });
});

describe('formatInstant', () => {
  test.each([
    ['2025-11-11T05:15:30.000Z', 'Europe/Istanbul', '2025-11-11T08:15:30+03:00'],
    ['2025-11-11T05:15:30.000Z', 'UTC', '2025-11-11T05:15:30+00:00'],
    ['2025-11-11T05:15:30.000Z', 'Etc/UTC', '2025-11-11T05:15:30+00:00'],
    ['2025-11-11T05:15:30.000Z', 'Europe/London', '2025-11-11T05:15:30+00:00'],
    ['2025-11-11T05:15:30.000Z', 'Asia/Kolkata', '2025-11-11T10:45:30+05:30'],
    ['2025-11-11T05:15:30.000Z', 'Asia/Kathmandu', '2025-11-11T11:00:30+05:45'],
    ['2025-11-11T05:15:30.000Z', 'America/St_Johns', '2025-11-11T01:45:30-03:30'],
    ['2025-07-01T12:00:00.000Z', 'America/New_York', '2025-07-01T08:00:00-04:00'],
    ['2025-01-01T12:00:00.000Z', 'America/New_York', '2025-01-01T07:00:00-05:00'],
    ['2025-10-26T00:30:00.000Z', 'Europe/Berlin', '2025-10-26T02:30:00+02:00'],
    ['2025-10-26T01:30:00.000Z', 'Europe/Berlin', '2025-10-26T02:30:00+01:00'],
    ['2025-11-11T05:15:30.750Z', 'Europe/Istanbul', '2025-11-11T08:15:30+03:00'],
  ])('%s in %s is %s', (instant, zone, expected) => {
    expect(formatInstant(new Date(instant), zone)).toBe(expected);
  });

  test('rejects an offset with seconds (local mean time) instead of writing a wrong one', () => {
    expect(() => formatInstant(new Date('1890-01-01T00:00:00Z'), 'Asia/Kolkata')).toThrow(InvalidRecordError);
  });
});

describe('isTimeZone', () => {
  test.each([
    ['Europe/Berlin', true],
    ['America/New_York', true],
    ['Asia/Kolkata', true],
    ['UTC', true],
    ['Etc/GMT+3', true],
    ['Nowhere/Town', false],
    ['+03:00', false],
    ['UTC+3', false],
    ['local', false],
    ['', false],
  ])('%j -> %s', (zone, expected) => {
    expect(isTimeZone(zone)).toBe(expected);
  });
});

const zones = [
  'UTC',
  'Europe/Berlin',
  'America/New_York',
  'Asia/Kolkata',
  'Australia/Lord_Howe',
  'America/St_Johns',
  'Pacific/Chatham',
  'Africa/Nairobi',
];

/** Whole-second instants from 2000 to 2037, the span a terminal's clock realistically shows. */
const instantArb = fc
  .integer({ min: Date.UTC(2000, 0, 1) / 1000, max: Date.UTC(2037, 11, 31) / 1000 })
  .map((seconds) => new Date(seconds * 1000));

/** DST changes in the zones above; uniform instants would almost never land near one. */
const transitions: [string, string][] = [
  ['Europe/Berlin', '2025-03-30T01:00:00Z'],
  ['Europe/Berlin', '2025-10-26T01:00:00Z'],
  ['America/New_York', '2025-03-09T07:00:00Z'],
  ['America/New_York', '2025-11-02T06:00:00Z'],
  ['Australia/Lord_Howe', '2025-04-05T15:00:00Z'], // back 30 min
  ['Australia/Lord_Howe', '2025-10-04T15:30:00Z'], // forward 30 min
  ['Pacific/Chatham', '2025-04-05T14:00:00Z'],
  ['Pacific/Chatham', '2025-09-27T14:00:00Z'],
];

const secondsAround = fc.integer({ min: -3 * 3600, max: 3 * 3600 });

/** An instant and a zone: anywhere in any zone, or within 3 h of one of that zone's DST changes. */
const zonedInstantArb = fc.oneof(
  fc.tuple(instantArb, fc.constantFrom(...zones)),
  fc
    .tuple(fc.constantFrom(...transitions), secondsAround)
    .map(([[zone, iso], seconds]) => [new Date(Date.parse(iso) + seconds * 1000), zone] as const),
);

/** A wall clock and a zone: anywhere, or within 3 h (on the wall) of a DST change, gaps included. */
const zonedWallClockArb = fc.oneof(
  fc.tuple(
    instantArb.map((d) => d.toISOString().slice(0, 19)),
    fc.constantFrom(...zones),
  ),
  fc.tuple(fc.constantFrom(...transitions), secondsAround).map(([[zone, iso], seconds]) => {
    const wallAtChange = wallClockToNaiveMs(instantToWallClock(new Date(iso), zone));
    return [naiveMsToWallClock(wallAtChange + seconds * 1000), zone] as const;
  }),
);

describe('properties', () => {
  test('formatInstant names the same instant it was given', () => {
    fc.assert(
      fc.property(zonedInstantArb, ([instant, zone]) => {
        expect(new Date(formatInstant(instant, zone)).getTime()).toBe(instant.getTime());
      }),
    );
  });

  test('formatInstant round-trips through wallClockToInstant outside gaps and overlaps', () => {
    fc.assert(
      fc.property(zonedInstantArb, ([instant, zone]) => {
        const wallClock = formatInstant(instant, zone).slice(0, 19);
        expect(wallClock).toBe(instantToWallClock(instant, zone));
        const resolved = wallClockToInstant(wallClock, zone);
        expect(resolved.resolution).not.toBe('gap');
        if (resolved.resolution === 'exact') expect(resolved.instant.getTime()).toBe(instant.getTime());
        // In an overlap the first occurrence is taken: never later than the instant the wall showed.
        else expect(resolved.instant.getTime()).toBeLessThanOrEqual(instant.getTime());
      }),
    );
  });

  test('every wall clock resolves to an instant that shows it, or to a later one in a gap', () => {
    fc.assert(
      fc.property(zonedWallClockArb, ([wallClock, zone]) => {
        const { instant, resolution } = wallClockToInstant(wallClock, zone);
        const shown = instantToWallClock(instant, zone);
        if (resolution === 'gap') expect(shown > wallClock).toBe(true);
        else expect(shown).toBe(wallClock);
      }),
    );
  });

  test('outside gaps, later wall clocks never map to earlier instants in one zone', () => {
    fc.assert(
      fc.property(zonedWallClockArb, secondsAround, ([wallClock, zone], seconds) => {
        const later = naiveMsToWallClock(wallClockToNaiveMs(wallClock) + Math.abs(seconds) * 1000);
        const first = wallClockToInstant(wallClock, zone);
        const second = wallClockToInstant(later, zone);
        fc.pre(first.resolution !== 'gap' && second.resolution !== 'gap');
        expect(first.instant.getTime()).toBeLessThanOrEqual(second.instant.getTime());
      }),
    );
  });

  test('a gap wall clock can land after a later real wall clock (documented in docs/TIME.md)', () => {
    const inGap = wallClockToInstant('2025-03-30T02:45:00', 'Europe/Berlin');
    const afterGap = wallClockToInstant('2025-03-30T03:15:00', 'Europe/Berlin');
    expect(inGap.instant.getTime()).toBeGreaterThan(afterGap.instant.getTime());
  });

  test('the DST cases are actually generated', () => {
    const resolutions = fc
      .sample(zonedWallClockArb, { numRuns: 2000, seed: 42 })
      .map(([wallClock, zone]) => wallClockToInstant(wallClock, zone).resolution);
    expect(new Set(resolutions)).toEqual(new Set(['exact', 'gap', 'overlap']));
  });
});
