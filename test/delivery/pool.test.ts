import fc from 'fast-check';
import { forEachBounded } from '../../lib/delivery/pool.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('forEachBounded', () => {
  test('handles every item, in order of start, never more than the limit at once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat(3), { maxLength: 40 }),
        fc.integer({ min: 1, max: 8 }),
        async (delays, limit) => {
          const started: number[] = [];
          let running = 0;
          let most = 0;
          const count = await forEachBounded(
            delays.map((delay, index) => ({ delay, index })),
            limit,
            async (item) => {
              started.push(item.index);
              running += 1;
              most = Math.max(most, running);
              for (let i = 0; i < item.delay; i += 1) await tick();
              running -= 1;
            },
          );
          expect(count).toBe(delays.length);
          expect(started).toEqual(delays.map((_, index) => index));
          expect(most).toBeLessThanOrEqual(limit);
          if (delays.length > 0) expect(most).toBeGreaterThanOrEqual(1);
        },
      ),
      { numRuns: 50 },
    );
  });

  test('stops starting items once asked, after letting the running ones finish', async () => {
    const done: number[] = [];
    const count = await forEachBounded(
      [1, 2, 3, 4, 5, 6],
      2,
      async (item) => {
        await tick();
        done.push(item);
      },
      () => done.length >= 3,
    );
    expect(count).toBe(done.length);
    expect(done).toEqual([1, 2, 3, 4].slice(0, count));
    expect(count).toBeLessThan(6);
  });

  test('refuses a limit below 1', async () => {
    await expect(forEachBounded([1], 0, async () => {})).rejects.toThrow(
      /concurrency must be at least 1, got 0/,
    );
  });
});
