import {
  FAILURE_MEMORY_SECONDS,
  secondsUntilNextAttempt,
  type ThrottleSubject,
  waitAfterFailures,
} from '../lib/auth/loginThrottle.js';

describe('waitAfterFailures', () => {
  test.each<[ThrottleSubject, number, number]>([
    ['user', 0, 0],
    ['user', 4, 0],
    ['user', 5, 30],
    ['user', 6, 60],
    ['user', 7, 120],
    ['user', 10, 900],
    ['user', 40, 900],
    ['address', 5, 0],
    ['address', 19, 0],
    ['address', 20, 30],
    ['address', 21, 60],
  ])('%s after %i failures waits %i s', (subject, failures, seconds) => {
    expect(waitAfterFailures(subject, failures)).toBe(seconds);
  });
});

describe('secondsUntilNextAttempt', () => {
  const at = new Date('2026-12-02T08:00:00Z');
  const later = (seconds: number) => new Date(at.getTime() + seconds * 1000);

  test.each<[string, { subject: ThrottleSubject; failures: number }[], number, number]>([
    ['no failures', [], 0, 0],
    ['four user failures', [{ subject: 'user', failures: 4 }], 0, 0],
    ['five user failures, at once', [{ subject: 'user', failures: 5 }], 0, 30],
    ['five user failures, 10 s later', [{ subject: 'user', failures: 5 }], 10, 20],
    ['five user failures, 30 s later', [{ subject: 'user', failures: 5 }], 30, 0],
    [
      'the longer of user and address',
      [
        { subject: 'user', failures: 6 },
        { subject: 'address', failures: 22 },
      ],
      0,
      120,
    ],
    [
      'a run older than the memory is forgotten',
      [{ subject: 'user', failures: 40 }],
      FAILURE_MEMORY_SECONDS + 1,
      0,
    ],
  ])('%s', (_name, runs, elapsedSeconds, expected) => {
    const withTimes = runs.map((run) => ({ ...run, lastFailureAt: at }));
    expect(secondsUntilNextAttempt(withTimes, later(elapsedSeconds))).toBe(expected);
  });
});
