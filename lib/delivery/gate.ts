/**
 * The door every CRM request of this process goes through: at most `concurrency` requests in flight,
 * and none at all while the CRM has asked us to wait (429 with `Retry-After`). Shared by every run
 * and record the process delivers, so a rate-limited CRM sees the whole bridge slow down rather than
 * each record retrying on its own schedule.
 */
export interface CrmGate {
  /** Waits for a free place and for any pause to end; call the returned function when done. */
  enter(): Promise<() => void>;
  /** No request starts before `ms` from now (a longer pause already set stays). */
  pauseFor(ms: number): void;
  /** Requests in flight now. */
  inFlight(): number;
}

export interface CrmGateOptions {
  concurrency: number;
  /** The longest pause one answer may impose; a longer `Retry-After` is cut to it. */
  maxPauseMs: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export function createCrmGate(options: CrmGateOptions): CrmGate {
  if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
    throw new RangeError(`CRM concurrency must be at least 1, got ${options.concurrency}`);
  }
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const waiting: Array<() => void> = [];
  let active = 0;
  let pausedUntil = 0;

  const leave = () => {
    active -= 1;
    waiting.shift()?.();
  };

  return {
    async enter() {
      for (;;) {
        const pause = pausedUntil - now();
        if (pause > 0) {
          await sleep(pause);
          continue;
        }
        if (active < options.concurrency) {
          active += 1;
          let left = false;
          return () => {
            if (left) return;
            left = true;
            leave();
          };
        }
        await new Promise<void>((resolve) => waiting.push(resolve));
      }
    },
    pauseFor(ms) {
      const until = now() + Math.min(Math.max(0, ms), options.maxPauseMs);
      pausedUntil = Math.max(pausedUntil, until);
    },
    inFlight: () => active,
  };
}
