import fc from 'fast-check';
import { attendanceDayOfWallClock } from '../../lib/attendance/index.js';
import { attendanceDayWindow, attendanceRangeWindow } from '../../lib/processing/index.js';
import { naiveMsToWallClock, wallClockToNaiveMs } from '../../lib/time/naive.js';

describe('attendanceDayWindow', () => {
  test.each([
    ['calendar days', '2025-11-11', null, '2025-11-11T00:00:00', '2025-11-12T00:00:00'],
    [
      'overnight 20:00-05:00, day change 09:00',
      '2025-11-11',
      540,
      '2025-11-11T09:00:00',
      '2025-11-12T09:00:00',
    ],
    ['late shift, day change 03:00', '2025-12-31', 180, '2025-12-31T03:00:00', '2026-01-01T03:00:00'],
    ['leap day', '2024-02-28', null, '2024-02-28T00:00:00', '2024-02-29T00:00:00'],
  ])('%s', (_name, date, dayChange, fromLocal, toLocal) => {
    expect(attendanceDayWindow(date, dayChange)).toEqual({ fromLocal, toLocal });
  });

  test('a range window runs from the first day change to the one after the last day', () => {
    expect(attendanceRangeWindow('2025-11-10', '2025-11-12', 540)).toEqual({
      fromLocal: '2025-11-10T09:00:00',
      toLocal: '2025-11-13T09:00:00',
    });
  });

  // The loader reads a day's punches by this window, so it must hold exactly the wall clocks the
  // rules date to that day: one missed punch would drop it from its record.
  test('holds a wall clock exactly when the rules date it to that day', () => {
    const wallClock = fc
      .record({ day: fc.integer({ min: 0, max: 800 }), second: fc.integer({ min: 0, max: 86_399 }) })
      .map(({ day, second }) =>
        naiveMsToWallClock(wallClockToNaiveMs('2024-01-01T00:00:00') + (day * 86_400 + second) * 1000),
      );
    const dayChange = fc.option(fc.integer({ min: 0, max: 1439 }), { nil: null });
    const candidate = fc.constantFrom(-1, 0, 1);
    fc.assert(
      fc.property(wallClock, dayChange, candidate, (clock, change, shift) => {
        const assigned = attendanceDayOfWallClock(clock, change);
        const date = naiveMsToWallClock(
          wallClockToNaiveMs(`${assigned}T00:00:00`) + shift * 86_400_000,
        ).slice(0, 10);
        const { fromLocal, toLocal } = attendanceDayWindow(date, change);
        const inside = clock >= fromLocal && clock < toLocal;
        return inside === (shift === 0);
      }),
      { numRuns: 2000 },
    );
  });
});
