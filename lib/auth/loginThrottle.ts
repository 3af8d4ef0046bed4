/**
 * How failed logins slow down guessing. Per user name, the first five failures in a row cost
 * nothing; then each further attempt must wait, twice as long after every failure, up to a quarter
 * of an hour. Per client address the same with more free failures, because a whole office may
 * share one address; that limit stops one place from trying many names. Pure: the caller supplies
 * the counts and the clock.
 */
export const FREE_FAILURES = { user: 5, address: 20 } as const;
export const FIRST_WAIT_SECONDS = 30;
export const MAX_WAIT_SECONDS = 15 * 60;
/** A run of failures that ended longer ago than this is forgotten. */
export const FAILURE_MEMORY_SECONDS = 60 * 60;

export type ThrottleSubject = keyof typeof FREE_FAILURES;

export function waitAfterFailures(subject: ThrottleSubject, failures: number): number {
  const free = FREE_FAILURES[subject];
  if (failures < free) return 0;
  return Math.min(MAX_WAIT_SECONDS, FIRST_WAIT_SECONDS * 2 ** (failures - free));
}

/** Seconds until the next attempt may be checked; 0 when it may be checked now. */
export function secondsUntilNextAttempt(
  runs: readonly { subject: ThrottleSubject; failures: number; lastFailureAt: Date }[],
  now: Date,
): number {
  let wait = 0;
  for (const run of runs) {
    const sinceMs = now.getTime() - run.lastFailureAt.getTime();
    if (sinceMs > FAILURE_MEMORY_SECONDS * 1000) continue;
    const remaining = Math.ceil(waitAfterFailures(run.subject, run.failures) - sinceMs / 1000);
    wait = Math.max(wait, remaining);
  }
  return wait;
}
