import { parseRetryAfterMs } from '../../lib/crm/retryAfter.js';

const nowMs = Date.parse('2025-11-11T08:00:00Z');

describe('parseRetryAfterMs', () => {
  it.each([
    { value: '2', expected: 2000 },
    { value: '0', expected: 0 },
    { value: ' 120 ', expected: 120_000 },
    { value: ['5', '9'], expected: 5000 },
    { value: 'Tue, 11 Nov 2025 08:00:30 GMT', expected: 30_000 },
    { value: 'Tue, 11 Nov 2025 07:59:00 GMT', expected: 0 },
    { value: 'Tuesday, 11-Nov-25 08:01:00 GMT', expected: 60_000 },
    { value: undefined, expected: null },
    { value: '', expected: null },
    { value: '-1', expected: null },
    { value: '1.5', expected: null },
    { value: 'soon', expected: null },
    { value: '2025-11-11', expected: null },
    { value: '99999999999999999999', expected: null },
  ])('reads $value as $expected ms', ({ value, expected }) => {
    expect(parseRetryAfterMs(value, nowMs)).toBe(expected);
  });
});
