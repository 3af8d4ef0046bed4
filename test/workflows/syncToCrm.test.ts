// syncToCrm's own logic (paging, the history guard, continue-as-new, failures), on the real Temporal
// dev server with stubbed activities: no database, no CRM, seconds per case.
import { randomBytes } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { DeliverInput } from '../../activities/delivery.js';
import { FailureTypeInterceptor } from '../../activities/failures.js';
import type { DeliveryRunSettings, SyncToCrmInput } from '../../lib/delivery/input.js';
import type { DeliveryPageItem, DeliveryResult, SyncResult } from '../../lib/delivery/types.js';
import { CrmRejectedError, CrmTransientError } from '../../lib/errors.js';
import { workflowsPath } from '../../worker/workers.js';
import { connectTestClient, testTemporalAddress } from '../support/temporal.js';

const taskQueue = `test-sync-stubbed-${randomBytes(3).toString('hex')}`;
const records: DeliveryPageItem[] = Array.from({ length: 23 }, (_, i) => ({
  id: (i + 1) * 10,
  revision: 1,
  userId: `EMP${i + 1}`,
  date: '2025-11-11',
}));
const rejectedId = 50;
const failingId = 80;

/** What the stubs saw, reset before each test. */
const seen = {
  delivered: new Map<number, number>(),
  attempts: new Map<number, number>(),
  markedFailed: [] as number[],
  runs: new Set<string>(),
  /** Record ids in the order their delivery finished. */
  finished: [] as number[],
};

/** A record whose delivery answers only once another record was delivered (or after 3 s). */
let held: { id: number; until: number } | undefined;
const deliveredNow = new Set<() => void>();

function deliveryOf(id: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, 3_000);
    function done() {
      clearTimeout(timer);
      deliveredNow.delete(check);
      resolve();
    }
    function check() {
      if (seen.finished.includes(id)) done();
    }
    deliveredNow.add(check);
  });
}

const stubs = {
  async crmConfigured(): Promise<boolean> {
    return true;
  },
  async listDeliveryPage(input: { afterId: number; pageSize: number }): Promise<DeliveryPageItem[]> {
    seen.runs.add(Context.current().info.workflowExecution?.runId ?? 'none');
    return records.filter((r) => r.id > input.afterId).slice(0, input.pageSize);
  },
  async markDeliveryFailed(input: { item: DeliveryPageItem }): Promise<boolean> {
    seen.markedFailed.push(input.item.id);
    return true;
  },
  async deliverAttendanceDay(input: DeliverInput): Promise<DeliveryResult> {
    seen.attempts.set(input.id, (seen.attempts.get(input.id) ?? 0) + 1);
    if (input.id === rejectedId)
      throw new CrmRejectedError('CRM rejected the record with 422', { status: 422, bodyExcerpt: '{}' });
    if (input.id === failingId) throw new CrmTransientError('CRM answered 503');
    if (held?.id === input.id) await deliveryOf(held.until);
    seen.delivered.set(input.id, (seen.delivered.get(input.id) ?? 0) + 1);
    seen.finished.push(input.id);
    for (const check of [...deliveredNow]) check();
    return { id: input.id, revision: input.revision, status: 'delivered' };
  },
};

const settings: DeliveryRunSettings = {
  crmTaskQueue: `${taskQueue}-crm`,
  maxAttempts: 2,
  pageSize: 5,
  deliveryTimeoutMs: 10_000,
  retryInitialIntervalMs: 10,
  retryMaximumIntervalMs: 20,
  pagesPerRun: 2,
};

let connection: NativeConnection;
let worker: Worker;
let running: Promise<void>;
let temporal: Awaited<ReturnType<typeof connectTestClient>>;

beforeAll(async () => {
  connection = await NativeConnection.connect({ address: testTemporalAddress() });
  worker = await Worker.create({
    connection,
    taskQueue,
    workflowsPath,
    activities: stubs,
    interceptors: { activity: [() => ({ inbound: new FailureTypeInterceptor() })] },
  });
  running = worker.run();
  temporal = await connectTestClient();
}, 120_000);

afterAll(async () => {
  worker?.shutdown();
  await running;
  await connection?.close();
  await temporal?.close();
});

beforeEach(() => {
  seen.delivered.clear();
  seen.attempts.clear();
  seen.markedFailed.length = 0;
  seen.runs.clear();
  seen.finished.length = 0;
  held = undefined;
});

function sync(input: Partial<SyncToCrmInput>): Promise<SyncResult> {
  return temporal.client.workflow.execute('syncToCrm', {
    taskQueue,
    workflowId: `sync-to-crm/stubbed-${randomBytes(4).toString('hex')}`,
    args: [{ ...settings, ...input }],
    workflowExecutionTimeout: '1 minute',
  });
}

test('pages through every record, continuing as new every two pages, each record once', async () => {
  const result = await sync({});

  expect(result).toMatchObject({ total: 23, successful: 21, failed: 2, notSent: 0 });
  expect(result.errors.map((e) => e.user_id).sort()).toEqual(['EMP5', 'EMP8']);
  expect([...seen.delivered.values()].every((n) => n === 1)).toBe(true);
  expect(seen.delivered.size).toBe(21);
  // The rejection is final at once; the transient failure gets every attempt, then is marked failed.
  expect(seen.attempts.get(rejectedId)).toBe(1);
  expect(seen.attempts.get(failingId)).toBe(2);
  expect(seen.markedFailed).toEqual([failingId]);
  // 5 pages (the last one short) at 2 per run: 3 runs.
  expect(seen.runs.size).toBe(3);
}, 60_000);

test('a growing history ends the run early; the next run goes on where it stopped', async () => {
  const result = await sync({ pagesPerRun: 100, maxHistoryEvents: 20 });

  expect(result).toMatchObject({ total: 23, successful: 21, failed: 2 });
  expect(seen.delivered.size).toBe(21);
  expect([...seen.delivered.values()].every((n) => n === 1)).toBe(true);
  expect(seen.runs.size).toBeGreaterThan(1);
}, 60_000);

test('a limit holds across continue-as-new', async () => {
  const result = await sync({ limit: 7 });

  expect(result).toMatchObject({ total: 7, successful: 6, failed: 1 });
  expect([...seen.attempts.keys()].sort((a, b) => a - b)).toEqual(records.slice(0, 7).map((r) => r.id));
  expect(seen.runs.size).toBe(1);
}, 60_000);

test('a slow record holds up no later page: the next page is delivered while it waits', async () => {
  // Record 10 is on the first page; record 70 on the second. Page by page, 10 would time out its
  // wait first and be delivered before anything of the second page.
  held = { id: 10, until: 70 };
  const result = await sync({ pagesPerRun: 100 });

  expect(result).toMatchObject({ total: 23, successful: 21, failed: 2 });
  expect(seen.finished.indexOf(70)).toBeLessThan(seen.finished.indexOf(10));
  expect([...seen.delivered.values()].every((n) => n === 1)).toBe(true);
}, 60_000);
