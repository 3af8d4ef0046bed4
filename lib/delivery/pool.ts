/**
 * Runs `work` for the items in order with at most `limit` running at once, and stops starting new
 * ones as soon as `stop()` says so. Returns how many were started; all of them have finished.
 *
 * Items start strictly in order, so "the first N were handled" is a valid resume point. Uses nothing
 * but promises, so it is deterministic inside a workflow.
 */
export async function forEachBounded<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
  stop: () => boolean = () => false,
): Promise<number> {
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`concurrency must be at least 1, got ${limit}`);
  let next = 0;
  const runner = async (): Promise<void> => {
    while (next < items.length && !stop()) {
      const item = items[next];
      next += 1;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, runner));
  return next;
}
