import { InvalidRecordError } from '../../lib/errors.js';
import {
  addDays,
  dateToNaiveMs,
  formatTimeOfDay,
  naiveMsToWallClock,
  parseTimeOfDay,
  wallClockToNaiveMs,
} from '../../lib/time/naive.js';

describe('naive wall-clock arithmetic', () => {
  test.each([
    ['2025-03-01', -1, '2025-02-28'],
    ['2024-03-01', -1, '2024-02-29'],
    ['2025-01-01', -1, '2024-12-31'],
    ['2025-12-31', 1, '2026-01-01'],
    ['2025-03-30', 1, '2025-03-31'],
    ['2025-10-26', -1, '2025-10-25'],
  ])('%s %+d day(s) is %s', (date, days, expected) => {
    expect(addDays(date, days)).toBe(expected);
  });

  test.each([
    ['08:00', 480],
    ['8:00', 480],
    ['00:00', 0],
    ['23:59', 1439],
    ['24:00', null],
    ['08:60', null],
    ['0800', null],
    ['08:00:00', null],
    ['', null],
  ])('parseTimeOfDay(%j) is %j', (value, expected) => {
    expect(parseTimeOfDay(value)).toBe(expected);
  });

  test.each([
    [540, '09:00'],
    [1440 + 60, '01:00'],
    [-60, '23:00'],
  ])('formatTimeOfDay(%d) is %s', (minutes, expected) => {
    expect(formatTimeOfDay(minutes)).toBe(expected);
  });

  test('keeps two-digit years literal', () => {
    expect(naiveMsToWallClock(wallClockToNaiveMs('0099-06-01T12:00:00'))).toBe('0099-06-01T12:00:00');
  });

  test('rejects a malformed date', () => {
    expect(() => dateToNaiveMs('2025-02-30')).toThrow(InvalidRecordError);
    expect(() => dateToNaiveMs('2025-2-3')).toThrow(InvalidRecordError);
  });
});
