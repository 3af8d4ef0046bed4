import fc from 'fast-check';
import { DateTime, IANAZone } from 'luxon';
import { formatOffsetTimestamp } from '../../lib/crm/offsetTimestamp.js';

/** What the CRM payload was built with before: luxon, one DateTime per timestamp. */
function luxonFormat(instantMs: number, zone: string): string | null {
  const local = DateTime.fromJSDate(new Date(instantMs), { zone });
  return local.isValid ? local.startOf('second').toFormat("yyyy-MM-dd'T'HH:mm:ssZZ") : null;
}

const zones = [
  'Europe/Istanbul',
  'America/New_York',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'America/St_Johns',
  'UTC',
  'Etc/GMT+12',
  'Africa/Casablanca',
  'America/Sao_Paulo',
];
// Names luxon reads other than as an IANA zone, or not at all.
const otherNames = [
  'utc',
  'GMT',
  'Etc/UTC',
  'UTC+3',
  'utc-05:30',
  'europe/istanbul',
  'Mars/Olympus',
  '',
  '+03:00',
];

const dateLimitMs = 8.64e15;
const yearMs = 365.2425 * 86_400_000;

/**
 * The instants at which the zone's offset changed between two years, to the millisecond, found
 * with luxon's zone (a week at a time, then halving the interval).
 */
function transitionsOf(zone: string, fromYear: number, toYear: number): number[] {
  const iana = IANAZone.create(zone);
  const weekMs = 7 * 86_400_000;
  const found: number[] = [];
  let before = Date.UTC(fromYear, 0, 1);
  for (let after = before + weekMs; after < Date.UTC(toYear, 0, 1); before = after, after += weekMs) {
    if (iana.offset(before) === iana.offset(after)) continue;
    let [low, high] = [before, after];
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2);
      if (iana.offset(middle) === iana.offset(low)) low = middle;
      else high = middle;
    }
    found.push(high);
  }
  return found;
}

const transitions = zones
  .filter((zone) => zone !== 'UTC')
  .flatMap((zone) => transitionsOf(zone, 1850, 2040).map((instantMs) => ({ zone, instantMs })));

describe('formatOffsetTimestamp', () => {
  it.each([
    ['2025-11-11T05:15:30Z', 'Europe/Istanbul', '2025-11-11T08:15:30+03:00'],
    ['2025-11-11T08:00:00Z', 'UTC', '2025-11-11T08:00:00+00:00'],
    ['2025-11-11T08:00:00Z', 'utc+5:30', '2025-11-11T13:30:00+05:30'],
    ['2025-11-11T12:00:00Z', 'Etc/GMT+12', '2025-11-11T00:00:00-12:00'],
    ['2025-11-11T02:45:30.999Z', 'Asia/Kolkata', '2025-11-11T08:15:30+05:30'],
    ['2025-11-11T02:30:00Z', 'Asia/Kathmandu', '2025-11-11T08:15:00+05:45'],
    ['2025-04-05T13:59:59Z', 'Pacific/Chatham', '2025-04-06T03:44:59+13:45'],
    ['2025-04-05T14:00:00Z', 'Pacific/Chatham', '2025-04-06T02:45:00+12:45'],
    ['2025-04-05T14:59:59Z', 'Australia/Lord_Howe', '2025-04-06T01:59:59+11:00'],
    ['2025-04-05T15:00:00Z', 'Australia/Lord_Howe', '2025-04-06T01:30:00+10:30'],
    ['2025-11-02T05:59:59Z', 'America/New_York', '2025-11-02T01:59:59-04:00'],
    ['2025-11-02T06:00:00Z', 'America/New_York', '2025-11-02T01:00:00-05:00'],
    ['1969-07-20T20:17:40Z', 'America/New_York', '1969-07-20T16:17:40-04:00'],
    ['2400-02-29T23:59:59Z', 'Asia/Kolkata', '2400-03-01T05:29:59+05:30'],
    ['+010000-01-01T00:00:00Z', 'UTC', '10000-01-01T00:00:00+00:00'],
    // Local mean time: the offset had seconds, the wall clock shows them, the offset drops them.
    ['1880-01-01T00:00:00.500Z', 'Europe/Istanbul', '1880-01-01T01:56:56+01:56'],
    ['-000044-03-15T12:00:00Z', 'Europe/Istanbul', '-0044-03-15T13:55:52+01:55'],
  ])('writes %s in %s as %s', (iso, zone, expected) => {
    expect(formatOffsetTimestamp(new Date(iso).getTime(), zone)).toBe(expected);
    expect(luxonFormat(new Date(iso).getTime(), zone)).toBe(expected);
  });

  it('finds the transitions it tests around', () => {
    for (const zone of zones.filter((zone) => zone !== 'UTC' && zone !== 'Etc/GMT+12')) {
      expect(transitions.filter((transition) => transition.zone === zone).length).toBeGreaterThan(0);
    }
    expect(transitions.length).toBeGreaterThan(500);
  });

  const anyZone = fc.constantFrom(...zones, ...otherNames);
  const agreesWithLuxon = (instantMs: number, zone: string) => {
    expect(formatOffsetTimestamp(instantMs, zone)).toBe(luxonFormat(instantMs, zone));
  };

  it('writes what luxon writes, for any instant a Date can hold', () => {
    const instants = fc.integer({ min: -dateLimitMs, max: dateLimitMs });
    fc.assert(fc.property(instants, anyZone, agreesWithLuxon), { numRuns: 3000 });
  });

  it('writes what luxon writes, from 1800 to 2200', () => {
    const instants = fc.integer({ min: Math.round(-170 * yearMs), max: Math.round(230 * yearMs) });
    fc.assert(fc.property(instants, anyZone, agreesWithLuxon), { numRuns: 5000 });
  });

  it('writes what luxon writes, within a day of every offset change since 1850', () => {
    const nearTransition = fc.record({
      transition: fc.constantFrom(...transitions),
      distanceMs: fc.oneof(
        fc.integer({ min: -2000, max: 2000 }),
        fc.integer({ min: -86_400, max: 86_400 }).map((seconds) => seconds * 1000),
      ),
    });
    fc.assert(
      fc.property(nearTransition, ({ transition, distanceMs }) => {
        agreesWithLuxon(transition.instantMs + distanceMs, transition.zone);
      }),
      { numRuns: 10_000 },
    );
  });

  it('gives null, as luxon gives an invalid DateTime, where the zone is no zone', () => {
    for (const zone of ['Mars/Olympus', '', 'Europe/Atlantis', 'UTC+', 'Etc/GMT+99']) {
      expect(formatOffsetTimestamp(Date.UTC(2025, 10, 11), zone)).toBeNull();
      expect(luxonFormat(Date.UTC(2025, 10, 11), zone)).toBeNull();
    }
    expect(formatOffsetTimestamp(Number.NaN, 'UTC')).toBeNull();
  });
});
