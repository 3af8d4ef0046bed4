import { addCounts, emptyCounts, toProcessResponse } from '../../lib/processing/index.js';

describe('processing counts', () => {
  const batch = {
    punchesProcessed: 120,
    daysCreated: 50,
    daysRevised: 7,
    daysUnchanged: 3,
    outliers: 4,
    failed: 2,
  };

  test('add up field by field', () => {
    expect(addCounts(addCounts(emptyCounts(), batch), batch)).toEqual({
      punchesProcessed: 240,
      daysCreated: 100,
      daysRevised: 14,
      daysUnchanged: 6,
      outliers: 8,
      failed: 4,
    });
  });

  test("map to the original API's process response", () => {
    expect(toProcessResponse(batch)).toEqual({ total_records: 120, processed: 60, outliers: 4, failed: 2 });
    expect(toProcessResponse(emptyCounts())).toEqual({
      total_records: 0,
      processed: 0,
      outliers: 0,
      failed: 0,
    });
  });
});
