import {
  addDeliveryFailure,
  addDeliveryResult,
  emptySyncResult,
  maxSyncErrors,
} from '../../lib/delivery/summary.js';

const item = (id: number) => ({ id, revision: 1, userId: `U${id}`, date: '2025-11-11' });

describe('sync result totals', () => {
  test.each([
    [
      'delivered',
      { id: 1, revision: 1, status: 'delivered' as const },
      { total: 1, successful: 1, notSent: 0 },
    ],
    [
      'skipped',
      { id: 1, revision: 1, status: 'skipped' as const, reason: 'record 1 was revised' },
      { total: 1, successful: 0, notSent: 1 },
    ],
  ])('counts a %s record', (_name, delivery, expected) => {
    expect(addDeliveryResult(emptySyncResult(), delivery)).toEqual({ ...emptySyncResult(), ...expected });
  });

  test('lists failures in the original shape, up to the cap, and counts them all', () => {
    let result = emptySyncResult();
    for (let id = 1; id <= maxSyncErrors + 5; id += 1)
      result = addDeliveryFailure(result, item(id), `error ${id}`);
    expect(result.total).toBe(maxSyncErrors + 5);
    expect(result.failed).toBe(maxSyncErrors + 5);
    expect(result.errors).toHaveLength(maxSyncErrors);
    expect(result.errors[0]).toEqual({ user_id: 'U1', date: '2025-11-11', error: 'error 1' });
  });
});
