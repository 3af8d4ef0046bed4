import { createCrmGate } from '../../lib/delivery/gate.js';

/** A clock that moves only when a sleeper sleeps, so the tests wait for nothing. */
function fakeClock() {
  let nowMs = 0;
  const slept: number[] = [];
  return {
    now: () => nowMs,
    sleep: async (ms: number) => {
      slept.push(ms);
      nowMs += ms;
    },
    slept,
  };
}

describe('createCrmGate', () => {
  test('lets at most `concurrency` in, and the next one in when one leaves', async () => {
    const gate = createCrmGate({ concurrency: 2, maxPauseMs: 1000 });
    const first = await gate.enter();
    await gate.enter();
    let thirdIn = false;
    const third = gate.enter().then((leave) => {
      thirdIn = true;
      return leave;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect({ thirdIn, inFlight: gate.inFlight() }).toEqual({ thirdIn: false, inFlight: 2 });
    first();
    first(); // leaving twice frees one place only
    (await third)();
    expect({ thirdIn, inFlight: gate.inFlight() }).toEqual({ thirdIn: true, inFlight: 1 });
  });

  test('a pause holds every entry until it ends, and is cut to the longest allowed', async () => {
    const clock = fakeClock();
    const gate = createCrmGate({ concurrency: 4, maxPauseMs: 5000, ...clock });
    gate.pauseFor(2000);
    (await gate.enter())();
    expect(clock.slept).toEqual([2000]);

    gate.pauseFor(60_000);
    gate.pauseFor(100); // a shorter pause does not end a longer one early
    (await gate.enter())();
    expect(clock.slept).toEqual([2000, 5000]);
  });

  test('refuses a concurrency below one', () => {
    expect(() => createCrmGate({ concurrency: 0, maxPauseMs: 1 })).toThrow(/at least 1, got 0/);
  });
});
