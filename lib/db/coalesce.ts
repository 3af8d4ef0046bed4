/**
 * One statement for many callers: up to `maxInFlight` statements of one kind run at once; calls
 * made while all of them are under way wait and then go together in the next one, up to `maxBatch`
 * at a time. A lone call goes at once (after the current microtasks); under load the batches grow
 * by themselves, and the round trips, commits and per-statement work go from one per call to one
 * per batch. More than one in flight keeps a few callers from queueing behind each other's commit.
 *
 * `run` gets the inputs in call order and returns one output per input in the same order. When it
 * fails, every call of that batch fails with its error.
 */
export function coalesced<I, O>(
  run: (inputs: I[]) => Promise<O[]>,
  { maxInFlight = 1, maxBatch = 100 }: { maxInFlight?: number; maxBatch?: number } = {},
): (input: I) => Promise<O> {
  type Waiting = { input: I; resolve: (output: O) => void; reject: (error: unknown) => void };
  let waiting: Waiting[] = [];
  let inFlight = 0;

  function next(): void {
    while (inFlight < maxInFlight && waiting.length > 0) send();
  }

  function send(): void {
    const batch = waiting.slice(0, maxBatch);
    waiting = waiting.slice(batch.length);
    inFlight += 1;
    Promise.resolve()
      .then(() => run(batch.map((call) => call.input)))
      .then((outputs) => {
        if (outputs.length !== batch.length) {
          throw new Error(`a batch of ${batch.length} calls gave ${outputs.length} results`);
        }
        for (const [i, call] of batch.entries()) call.resolve(outputs[i]);
      })
      .catch((error: unknown) => {
        for (const call of batch) call.reject(error);
      })
      .finally(() => {
        inFlight -= 1;
        next();
      });
  }

  return (input) =>
    new Promise<O>((resolve, reject) => {
      waiting.push({ input, resolve, reject });
      queueMicrotask(next);
    });
}
