import fc from 'fast-check';
import { isCalendarDate } from '../../lib/time/calendar.js';

describe('calendar dates', () => {
  test.each([
    ['2025-11-11', true],
    ['2024-02-29', true],
    ['2025-02-29', false],
    ['2025-13-01', false],
    ['2025-04-31', false],
    ['0000-01-01', false],
    ['9999-12-31', true],
    ['2025-1-1', false],
    ['2025-11-11T00:00', false],
    [' 2025-11-11', false],
  ])('%s -> %s', (value, valid) => {
    expect(isCalendarDate(value)).toBe(valid);
  });

  test('property: every real day from 0001 to 9999 is accepted, as ISO writes it', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('0001-01-01T00:00:00Z'),
          max: new Date('9999-12-31T00:00:00Z'),
          noInvalidDate: true,
        }),
        (date) => {
          expect(isCalendarDate(date.toISOString().slice(0, 10))).toBe(true);
        },
      ),
    );
  });
});
