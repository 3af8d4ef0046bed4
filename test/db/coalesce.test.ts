import { coalesced } from '../../lib/db/coalesce.js';

/** A batch runner whose statements end when the test says so, recording each batch it got. */
function controlledRunner() {
  const batches: number[][] = [];
  const pending: Array<{ finish: () => void; fail: (error: Error) => void }> = [];
  const run = (inputs: number[]) =>
    new Promise<number[]>((resolve, reject) => {
      batches.push(inputs);
      pending.push({ finish: () => resolve(inputs.map((n) => n * 10)), fail: reject });
    });
  return { run, batches, pending };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('coalesced', () => {
  test('a lone call goes at once, alone', async () => {
    const runner = controlledRunner();
    const call = coalesced(runner.run);
    const answer = call(1);
    await settle();
    expect(runner.batches).toEqual([[1]]);
    runner.pending[0].finish();
    await expect(answer).resolves.toBe(10);
  });

  test('calls made while a statement runs go together in the next, each getting its own result', async () => {
    const runner = controlledRunner();
    const call = coalesced(runner.run);
    const first = call(1);
    await settle();
    const later = [call(2), call(3), call(4)];
    await settle();
    expect(runner.batches).toEqual([[1]]);
    runner.pending[0].finish();
    await settle();
    expect(runner.batches).toEqual([[1], [2, 3, 4]]);
    runner.pending[1].finish();
    await expect(first).resolves.toBe(10);
    await expect(Promise.all(later)).resolves.toEqual([20, 30, 40]);
  });

  test('calls of one tick go in one statement, at most maxBatch at a time', async () => {
    const runner = controlledRunner();
    const call = coalesced(runner.run, { maxBatch: 2 });
    const answers = [call(1), call(2), call(3)];
    await settle();
    expect(runner.batches).toEqual([[1, 2]]);
    runner.pending[0].finish();
    await settle();
    expect(runner.batches).toEqual([[1, 2], [3]]);
    runner.pending[1].finish();
    await expect(Promise.all(answers)).resolves.toEqual([10, 20, 30]);
  });

  test('with maxInFlight, that many statements run at once before calls wait for one to end', async () => {
    const runner = controlledRunner();
    const call = coalesced(runner.run, { maxInFlight: 2 });
    const first = call(1);
    await settle();
    const second = call(2);
    await settle();
    const waiting = [call(3), call(4)];
    await settle();
    expect(runner.batches).toEqual([[1], [2]]);
    runner.pending[1].finish();
    await settle();
    expect(runner.batches).toEqual([[1], [2], [3, 4]]);
    runner.pending[0].finish();
    runner.pending[2].finish();
    await expect(Promise.all([first, second, ...waiting])).resolves.toEqual([10, 20, 30, 40]);
  });

  test('a failed statement fails the calls of its batch only; the next batch still goes', async () => {
    const runner = controlledRunner();
    const call = coalesced(runner.run);
    const failing = [call(1), call(2)];
    await settle();
    const after = call(3);
    runner.pending[0].fail(new Error('connection lost'));
    for (const answer of failing) await expect(answer).rejects.toThrow('connection lost');
    await settle();
    expect(runner.batches).toEqual([[1, 2], [3]]);
    runner.pending[1].finish();
    await expect(after).resolves.toBe(30);
  });

  test('a runner that throws at once, or gives too few results, fails its calls', async () => {
    const throwing = coalesced<number, number>(() => {
      throw new Error('bad input');
    });
    await expect(throwing(1)).rejects.toThrow('bad input');
    const short = coalesced<number, number>(async () => [1]);
    await expect(Promise.all([short(1), short(2)])).rejects.toThrow('a batch of 2 calls gave 1 results');
  });
});
