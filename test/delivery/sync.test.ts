import { requeueDelivery } from '../../lib/db/deliveries.js';
import { listDeliveryAttempts } from '../../lib/db/deliveryReports.js';
import { syncWorkflowIds } from '../../workflows/ids.js';
import { exampleBody } from '../crm/example.js';
import { answer, type CrmRequest } from '../support/crmServer.js';
import { addDevice, type TestDevice } from '../support/devices.js';
import { inTurn, keysOf } from './behaviours.js';
import { crmToken, type Harness, startHarness } from './harness.js';
import { addDays, dayState, manyDays, reviseDay } from './records.js';

let h: Harness;
let device: TestDevice;

beforeAll(async () => {
  h = await startHarness();
  device = await addDevice(h.db.sql, { name: 'Main Office', host: '192.168.1.100' });
}, 120_000);

afterAll(async () => {
  await h?.close();
});

beforeEach(async () => {
  await h.db.sql`truncate attendance_days cascade`;
  h.crm.requests.length = 0;
  h.crm.setBehaviour(answer(201, { status: 'created' }));
  h.deps.crm = h.crmClient();
});

const posts = () => h.crm.requests.filter((request) => request.method === 'POST');

async function oneDay(overrides: { userId?: string; clockOut?: string | null } = {}): Promise<number> {
  const [id] = await addDays(h.db.sql, [
    {
      deviceId: device.id,
      userId: overrides.userId ?? 'EMP001',
      date: '2025-11-11',
      clockIn: '2025-11-11T05:15:30Z',
      clockOut: overrides.clockOut === undefined ? '2025-11-11T14:30:00Z' : overrides.clockOut,
    },
  ]);
  return id;
}

async function attempts(id: number) {
  return (await listDeliveryAttempts(h.db.sql, id)).map((a) => ({
    revision: a.revision,
    attempt: a.attempt,
    outcome: a.outcome,
    httpStatus: a.httpStatus,
    idempotencyKey: a.idempotencyKey,
  }));
}

describe('syncToCrm', () => {
  test('delivers a record once, with the contract body, the token and a stable idempotency key', async () => {
    const id = await oneDay();
    const result = await h.sync();

    expect(result).toEqual({ total: 1, successful: 1, failed: 0, notSent: 0, errors: [] });
    expect(posts()).toHaveLength(1);
    const [request] = posts();
    expect(request.body).toStrictEqual(exampleBody(1));
    expect(request.headers).toMatchObject({
      authorization: `Token ${crmToken}`,
      'content-type': 'application/json',
      'idempotency-key': `attendance-${id}-EMP001-2025-11-11-r1`,
    });
    expect(await dayState(h.db.sql, id)).toMatchObject({
      status: 'delivered',
      deliveredRevision: 1,
      deliveredAt: expect.any(Date),
      syncAttempts: 1,
      lastSyncAttempt: expect.any(Date),
      lastSyncError: null,
      leaseOwner: null,
    });
    expect(await attempts(id)).toEqual([
      {
        revision: 1,
        attempt: 1,
        outcome: 'delivered',
        httpStatus: 201,
        idempotencyKey: `attendance-${id}-EMP001-2025-11-11-r1`,
      },
    ]);
    const [row] = await listDeliveryAttempts(h.db.sql, id);
    expect(row.durationMs).toBeGreaterThanOrEqual(0);
    expect(row.workflowId).toMatch(/^syncToCrm\/test-/);

    // Delivered: the next sync has nothing to send.
    expect(await h.sync()).toMatchObject({ total: 0, successful: 0 });
    expect(posts()).toHaveLength(1);
  });

  test('sends clock_out null for a day without clock-out', async () => {
    await oneDay({ clockOut: null });
    await h.sync();
    expect(posts()[0].body).toMatchObject({ clock_out: null, clock_in: '2025-11-11T08:15:30+03:00' });
  });

  test('500, then success on the second attempt, with the same idempotency key', async () => {
    const id = await oneDay();
    h.crm.setBehaviour(inTurn({ status: 500, body: { error: 'boom' } }, { status: 201 }));
    const result = await h.sync();

    expect(result).toMatchObject({ total: 1, successful: 1, failed: 0 });
    expect(keysOf(posts())).toEqual([
      `attendance-${id}-EMP001-2025-11-11-r1`,
      `attendance-${id}-EMP001-2025-11-11-r1`,
    ]);
    expect(posts()[1].body).toStrictEqual(posts()[0].body);
    expect((await attempts(id)).map((a) => [a.attempt, a.outcome, a.httpStatus])).toEqual([
      [1, 'transient', 500],
      [2, 'delivered', 201],
    ]);
    expect(await dayState(h.db.sql, id)).toMatchObject({
      status: 'delivered',
      syncAttempts: 2,
      lastSyncError: null,
    });
  });

  test('always 503: failed after exactly 3 attempts, and no more', async () => {
    const id = await oneDay();
    h.crm.setBehaviour(answer(503, { error: 'maintenance' }));
    const result = await h.sync();

    expect(result).toEqual({
      total: 1,
      successful: 0,
      failed: 1,
      notSent: 0,
      errors: [
        { user_id: 'EMP001', date: '2025-11-11', error: expect.stringMatching(/503 Service Unavailable/) },
      ],
    });
    expect(posts()).toHaveLength(3);
    expect((await attempts(id)).map((a) => [a.attempt, a.outcome, a.httpStatus])).toEqual([
      [1, 'transient', 503],
      [2, 'transient', 503],
      [3, 'transient', 503],
    ]);
    expect(await dayState(h.db.sql, id)).toMatchObject({
      status: 'failed',
      syncAttempts: 3,
      lastSyncAttempt: expect.any(Date),
      lastSyncError: expect.stringMatching(/answered 503 Service Unavailable/),
      deliveredRevision: null,
      retryRounds: 0,
      leaseOwner: null,
    });

    // A failed record waits for a retry round: a plain sync leaves it alone.
    expect(await h.sync()).toMatchObject({ total: 0 });
    expect(posts()).toHaveLength(3);
  });

  test('429 with Retry-After: the next attempt waits as long as the CRM asked', async () => {
    const id = await oneDay();
    h.crm.setBehaviour(
      inTurn({ status: 429, body: { error: 'slow down' }, headers: { 'retry-after': '2' } }, { status: 201 }),
    );
    // Without Retry-After the next attempt would follow after 50 ms.
    const result = await h.sync({ retryInitialIntervalMs: 50, retryMaximumIntervalMs: 10_000 });

    expect(result).toMatchObject({ successful: 1 });
    const [first, second] = posts();
    expect(posts()).toHaveLength(2);
    expect(second.receivedAt.getTime() - first.receivedAt.getTime()).toBeGreaterThanOrEqual(1900);
    expect((await attempts(id)).map((a) => [a.outcome, a.httpStatus])).toEqual([
      ['transient', 429],
      ['delivered', 201],
    ]);
  });

  test('a Retry-After longer than the longest back-off is cut to it', async () => {
    await oneDay();
    h.crm.setBehaviour(inTurn({ status: 503, headers: { 'retry-after': '3600' } }, { status: 201 }));
    const result = await h.sync({ retryMaximumIntervalMs: 300 });
    expect(result).toMatchObject({ successful: 1 });
    expect(posts()).toHaveLength(2);
  });

  test('422: rejected after one attempt, and sent again only when asked', async () => {
    const id = await oneDay();
    h.crm.setBehaviour(answer(422, { error: 'unknown employee EMP001' }));
    const result = await h.sync();

    expect(result).toMatchObject({
      total: 1,
      successful: 0,
      failed: 1,
      errors: [
        {
          user_id: 'EMP001',
          date: '2025-11-11',
          error: expect.stringMatching(/rejected the record with 422/),
        },
      ],
    });
    expect(posts()).toHaveLength(1);
    expect(await attempts(id)).toEqual([
      expect.objectContaining({ attempt: 1, outcome: 'rejected', httpStatus: 422 }),
    ]);
    expect(await dayState(h.db.sql, id)).toMatchObject({
      status: 'rejected',
      syncAttempts: 1,
      lastSyncError: expect.stringMatching(/unknown employee EMP001/),
    });

    // Neither the schedule, nor --retry-failed, nor a retry round sends it again ...
    expect(await h.sync()).toMatchObject({ total: 0 });
    expect(await h.sync({ retryFailed: true })).toMatchObject({ total: 0 });
    expect(await h.retryFailed()).toMatchObject({ total: 0 });
    expect(posts()).toHaveLength(1);

    // ... --force does.
    h.crm.setBehaviour(answer(201));
    expect(await h.sync({ force: true })).toMatchObject({ total: 1, successful: 1 });
    expect(posts()).toHaveLength(2);
    expect(await dayState(h.db.sql, id)).toMatchObject({ status: 'delivered', deliveredRevision: 1 });
  });

  test('a timeout counts as transient and is retried', async () => {
    const id = await oneDay();
    h.deps.crm = h.crmClient({ timeoutMs: 300 });
    h.crm.setBehaviour(inTurn({ status: 201, delayMs: 2000 }, { status: 201 }));
    const result = await h.sync();

    expect(result).toMatchObject({ successful: 1, failed: 0 });
    expect(posts()).toHaveLength(2);
    const rows = await listDeliveryAttempts(h.db.sql, id);
    expect(rows.map((a) => [a.outcome, a.httpStatus])).toEqual([
      ['transient', null],
      ['delivered', 201],
    ]);
    expect(rows[0].error).toMatch(/did not answer within 300 ms/);
  });

  test('a corrected record (new revision) is delivered again with a new idempotency key', async () => {
    const id = await oneDay();
    await h.sync();
    const revision = await reviseDay(h.db.sql, id, 15);
    expect(revision).toBe(2);
    expect(await dayState(h.db.sql, id)).toMatchObject({ status: 'pending', deliveredRevision: 1 });

    const result = await h.sync();
    expect(result).toMatchObject({ total: 1, successful: 1 });
    expect(keysOf(posts())).toEqual([
      `attendance-${id}-EMP001-2025-11-11-r1`,
      `attendance-${id}-EMP001-2025-11-11-r2`,
    ]);
    expect(posts()[1].body).toMatchObject({ revision: 2, clock_out: '2025-11-11T17:45:00+03:00' });
    expect(await dayState(h.db.sql, id)).toMatchObject({
      status: 'delivered',
      deliveredRevision: 2,
      syncAttempts: 1,
    });
    expect((await attempts(id)).map((a) => [a.revision, a.outcome])).toEqual([
      [1, 'delivered'],
      [2, 'delivered'],
    ]);
  });

  test('a record revised while its POST is on stays pending for the new revision', async () => {
    const id = await oneDay();
    h.crm.setBehaviour(async (request: CrmRequest) => {
      if ((request.body as { revision: number }).revision === 1) await reviseDay(h.db.sql, id);
      return { status: 201 };
    });
    await h.sync();
    expect(await dayState(h.db.sql, id)).toMatchObject({
      revision: 2,
      status: 'pending',
      deliveredRevision: null,
      syncAttempts: 0,
      leaseOwner: null,
    });
    expect(await attempts(id)).toEqual([expect.objectContaining({ revision: 1, outcome: 'delivered' })]);

    await h.sync();
    expect(await dayState(h.db.sql, id)).toMatchObject({ status: 'delivered', deliveredRevision: 2 });
    expect(keysOf(posts())).toEqual([
      `attendance-${id}-EMP001-2025-11-11-r1`,
      `attendance-${id}-EMP001-2025-11-11-r2`,
    ]);
  });

  test('with no CRM configured it does nothing, says so, and records stay pending', async () => {
    const id = await oneDay();
    h.deps.crm = null;
    const result = await h.sync();

    expect(result).toEqual({
      total: 0,
      successful: 0,
      failed: 0,
      notSent: 0,
      errors: [],
      skipped: 'no CRM configured (CRM_API_URL)',
    });
    expect(await h.retryFailed()).toMatchObject({ skipped: 'no CRM configured (CRM_API_URL)' });
    expect(h.crm.requests).toHaveLength(0);
    expect(await dayState(h.db.sql, id)).toMatchObject({ status: 'pending', syncAttempts: 0 });
    expect(await listDeliveryAttempts(h.db.sql, id)).toEqual([]);
    expect(h.logLines.join('')).toMatch(/no CRM configured; set CRM_API_URL and CRM_API_TOKEN/);
  });

  test('filters: user, date range and limit', async () => {
    const days = manyDays(device.id, 12, 4); // users U0000..U0003 on 2025-01-01..2025-01-03
    await addDays(h.db.sql, days);

    expect(await h.sync({ userId: 'U0002' })).toMatchObject({ total: 3, successful: 3 });
    expect(new Set(posts().map((r) => (r.body as { user_id: string }).user_id))).toEqual(new Set(['U0002']));

    h.crm.requests.length = 0;
    expect(await h.sync({ startDate: '2025-01-02', endDate: '2025-01-02' })).toMatchObject({ successful: 3 });
    expect(posts().map((r) => (r.body as { date: string }).date)).toEqual([
      '2025-01-02',
      '2025-01-02',
      '2025-01-02',
    ]);

    h.crm.requests.length = 0;
    expect(await h.sync({ limit: 2 })).toMatchObject({ total: 2, successful: 2 });
    expect(posts()).toHaveLength(2);

    expect(await h.sync()).toMatchObject({ total: 4, successful: 4 });
  });

  test.each(['workflow-worker', 'crm-queue'] as const)(
    'pages through a backlog, continuing as new, POSTs in flight bounded by CRM_SYNC_CONCURRENCY (%s)',
    async (deliverOn) => {
      await addDays(h.db.sql, manyDays(device.id, 24, 4));
      let inFlight = 0;
      let mostInFlight = 0;
      h.crm.setBehaviour(async () => {
        inFlight += 1;
        mostInFlight = Math.max(mostInFlight, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 50));
        inFlight -= 1;
        return { status: 201 };
      });
      const run = await h.startSync({ pageSize: 12, pagesPerRun: 1, deliverOn });
      const result = await run.result();

      expect(result).toMatchObject({ total: 24, successful: 24, failed: 0 });
      expect(new Set(keysOf(posts())).size).toBe(24);
      expect(posts()).toHaveLength(24);
      // The whole page is handed to the worker at once; its slots are the only bound.
      expect(mostInFlight).toBeGreaterThan(1);
      expect(mostInFlight).toBeLessThanOrEqual(h.config.CRM_SYNC_CONCURRENCY);
      expect(await run.currentRunId()).not.toBe(run.firstExecutionRunId);
    },
  );

  test('limit holds across continue-as-new', async () => {
    await addDays(h.db.sql, manyDays(device.id, 7, 7));
    expect(await h.sync({ limit: 5, pageSize: 2, pagesPerRun: 1 })).toMatchObject({
      total: 5,
      successful: 5,
    });
    expect(posts()).toHaveLength(5);
  });

  test('caps the errors listed at 100 while counting every failure', async () => {
    await addDays(h.db.sql, manyDays(device.id, 105, 50));
    h.crm.setBehaviour(answer(400, { error: 'bad' }));
    const result = await h.sync();
    expect(result).toMatchObject({ total: 105, failed: 105 });
    expect(result.errors).toHaveLength(100);
  });

  test('a scheduled and a manual sync running at once send each record once', async () => {
    const ids = await addDays(h.db.sql, manyDays(device.id, 20, 10));
    h.crm.setBehaviour(() => ({ status: 201, delayMs: 30 }));
    const [scheduled, manual] = await Promise.all([
      h.startSync({}, `${syncWorkflowIds.scheduled}/${ids[0]}`),
      h.startSync({ deliverOn: 'crm-queue' }, `${syncWorkflowIds.manual}/${ids[0]}`),
    ]);
    const results = await Promise.all([scheduled.result(), manual.result()]);

    const keys = keysOf(posts()).sort();
    expect(keys).toEqual([...new Set(keys)]);
    expect(keys).toHaveLength(20);
    expect(results[0].successful + results[1].successful).toBe(20);
    expect(results[0].successful + results[0].notSent + results[1].successful + results[1].notSent).toBe(
      results[0].total + results[1].total,
    );
    for (const id of ids)
      expect(await dayState(h.db.sql, id)).toMatchObject({ status: 'delivered', leaseOwner: null });
  });

  test('re-delivering one record: requeue it and sync that record alone', async () => {
    const [first, second] = await addDays(h.db.sql, manyDays(device.id, 2, 2));
    h.crm.setBehaviour(answer(422, { error: 'bad' }));
    await h.sync();
    expect(await dayState(h.db.sql, first)).toMatchObject({ status: 'rejected' });

    h.crm.setBehaviour(answer(201));
    expect(await requeueDelivery(h.db.sql, first)).toMatchObject({ id: first, revision: 1 });
    expect(await dayState(h.db.sql, first)).toMatchObject({
      status: 'pending',
      syncAttempts: 0,
      lastSyncError: null,
    });
    const result = await h.sync({ attendanceDayId: first }, syncWorkflowIds.record(first));

    expect(result).toMatchObject({ total: 1, successful: 1 });
    expect(await dayState(h.db.sql, first)).toMatchObject({ status: 'delivered' });
    expect(await dayState(h.db.sql, second)).toMatchObject({ status: 'rejected' });
    expect((await attempts(first)).map((a) => a.outcome)).toEqual(['rejected', 'delivered']);
    expect(await requeueDelivery(h.db.sql, 999_999)).toBeNull();
  });

  test('refuses an input it cannot run, naming the field', async () => {
    const run = await h.startSync({ pageSize: 0, startDate: '11/11/2025' });
    await expect(run.result()).rejects.toMatchObject({
      cause: expect.objectContaining({
        type: 'ConfigurationError',
        message: expect.stringMatching(
          /pageSize must be a positive number, got 0.*startDate must be a date as YYYY-MM-DD/,
        ),
      }),
    });
    expect(h.crm.requests).toHaveLength(0);
  });
});

describe('retryFailedSyncs', () => {
  test('retries failed records for the configured rounds, then leaves them to a person', async () => {
    const id = await oneDay();
    h.crm.setBehaviour(answer(503));
    await h.sync();
    expect(await dayState(h.db.sql, id)).toMatchObject({ status: 'failed', syncAttempts: 3, retryRounds: 0 });

    expect(await h.retryFailed({ rounds: 2 })).toMatchObject({ total: 1, failed: 1 });
    expect(await dayState(h.db.sql, id)).toMatchObject({ status: 'failed', syncAttempts: 6, retryRounds: 1 });
    expect(await h.retryFailed({ rounds: 2 })).toMatchObject({ total: 1, failed: 1 });
    expect(await dayState(h.db.sql, id)).toMatchObject({ status: 'failed', syncAttempts: 9, retryRounds: 2 });
    expect(posts()).toHaveLength(9);

    // Rounds used up: the schedule leaves it alone ...
    expect(await h.retryFailed({ rounds: 2 })).toMatchObject({ total: 0 });
    expect(posts()).toHaveLength(9);

    // ... and a person sends it with --retry-failed.
    h.crm.setBehaviour(answer(201));
    expect(await h.sync({ retryFailed: true })).toMatchObject({ total: 1, successful: 1 });
    expect(await dayState(h.db.sql, id)).toMatchObject({ status: 'delivered', deliveredRevision: 1 });
  });

  test('a retry round that succeeds marks the record delivered', async () => {
    const id = await oneDay();
    h.crm.setBehaviour(inTurn({ status: 500 }, { status: 500 }, { status: 500 }, { status: 201 }));
    await h.sync();
    expect(await dayState(h.db.sql, id)).toMatchObject({ status: 'failed' });

    expect(await h.retryFailed()).toMatchObject({ total: 1, successful: 1 });
    expect(await dayState(h.db.sql, id)).toMatchObject({
      status: 'delivered',
      syncAttempts: 4,
      lastSyncError: null,
    });
    expect(new Set(keysOf(posts()))).toEqual(new Set([`attendance-${id}-EMP001-2025-11-11-r1`]));
  });
});
