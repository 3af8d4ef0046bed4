import fc from 'fast-check';
import { InvalidRecordError } from '../../../lib/errors.js';
import {
  decodeEventTime,
  decodeTime,
  encodeEventTime,
  encodeTime,
  formatWallClock,
  isValidWallClock,
  parseWallClock,
  type WallClock,
} from '../../../lib/zk/codec/index.js';

const wall = (s: string): WallClock => parseWallClock(s);

/** Any field combination the device's 31-day-month encoding can hold, Feb 31 included. */
const storableArb: fc.Arbitrary<WallClock> = fc.record({
  year: fc.integer({ min: 2000, max: 2099 }),
  month: fc.integer({ min: 1, max: 12 }),
  day: fc.integer({ min: 1, max: 31 }),
  hour: fc.integer({ min: 0, max: 23 }),
  minute: fc.integer({ min: 0, max: 59 }),
  second: fc.integer({ min: 0, max: 59 }),
});

describe('device time (u32)', () => {
  it.each([
    [594064235, '2018-06-25T17:50:35'],
    [592385516, '2018-06-06T07:31:56'],
    [594058178, '2018-06-25T16:09:38'],
    [0, '2000-01-01T00:00:00'],
  ])('%i is %s', (raw, text) => {
    expect(formatWallClock(decodeTime(raw))).toBe(text);
    expect(encodeTime(wall(text))).toBe(raw);
  });

  it('round-trips every storable wall clock', () => {
    fc.assert(fc.property(storableArb, (w) => expect(decodeTime(encodeTime(w))).toEqual(w)));
  });

  it('round-trips every u32 below 2100 the other way', () => {
    const limit = encodeTime(wall('2099-12-31T23:59:59'));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: limit }), (t) => expect(encodeTime(decodeTime(t))).toBe(t)),
    );
  });

  it('decodes Feb 31 as it is, for the caller to flag', () => {
    const feb31 = decodeTime(encodeTime({ year: 2023, month: 2, day: 31, hour: 8, minute: 0, second: 0 }));
    expect(feb31).toEqual({ year: 2023, month: 2, day: 31, hour: 8, minute: 0, second: 0 });
    expect(isValidWallClock(feb31)).toBe(false);
  });

  it.each([
    ['1999-12-31T23:59:59'],
    ['2100-01-01T00:00:00'],
    ['2024-13-01T00:00:00'],
    ['2024-01-01T24:00:00'],
  ])('refuses to encode %s', (text) => {
    expect(() => encodeTime(wall(text))).toThrow(InvalidRecordError);
  });
});

describe('isValidWallClock', () => {
  it.each([
    ['2024-02-29T12:00:00', true],
    ['2023-02-29T12:00:00', false],
    ['2000-02-29T00:00:00', true],
    ['2023-04-31T00:00:00', false],
    ['2023-12-31T23:59:59', true],
    ['1999-12-31T23:59:59', false],
    ['2100-01-01T00:00:00', false],
    ['2023-01-01T23:60:00', false],
    ['2023-00-10T10:00:00', false],
  ])('%s -> %s', (text, valid) => {
    expect(isValidWallClock(wall(text))).toBe(valid);
  });
});

describe('wall-clock strings', () => {
  it('accepts a T or a space between date and time', () => {
    expect(parseWallClock('2018-06-25 17:41:05')).toEqual(parseWallClock('2018-06-25T17:41:05'));
  });

  it.each([['2018-06-25'], ['2018-6-25T17:41:05'], ['2018-06-25T17:41:05Z'], ['']])('refuses %j', (text) => {
    expect(() => parseWallClock(text)).toThrow(InvalidRecordError);
  });

  it('formats and parses back', () => {
    fc.assert(fc.property(storableArb, (w) => expect(parseWallClock(formatWallClock(w))).toEqual(w)));
  });
});

describe('event time (6 bytes)', () => {
  it('reads 12 06 19 11 29 05 as 2018-06-25 17:41:05', () => {
    expect(formatWallClock(decodeEventTime(Buffer.from('120619112905', 'hex')))).toBe('2018-06-25T17:41:05');
  });

  it('round-trips', () => {
    fc.assert(fc.property(storableArb, (w) => expect(decodeEventTime(encodeEventTime(w))).toEqual(w)));
  });
});
