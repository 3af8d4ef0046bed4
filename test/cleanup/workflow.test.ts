import { randomBytes } from 'node:crypto';
import type { DailyCleanupInput } from '../../lib/cleanup/index.js';
import type { dailyCleanup } from '../../workflows/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { addDevice } from '../support/devices.js';
import { addPunches } from '../support/punches.js';
import { connectTestClient, startTestWorkers, testActivityDeps, testConfig } from '../support/temporal.js';
import { processAll, setDelivery, storedPunchesByUser } from './fixtures.js';

const now = new Date('2026-03-01T02:00:00Z');
let db: TestDatabase;
let workers: Awaited<ReturnType<typeof startTestWorkers>>;
let temporal: Awaited<ReturnType<typeof connectTestClient>>;
const config = testConfig();

beforeAll(async () => {
  db = await createTestDatabase();
  const deps = testActivityDeps(db.sql, config, {
    connectDevice: async () => {
      throw new Error('the cleanup talks to no device');
    },
    now: () => now,
  });
  workers = await startTestWorkers({ config, deps });
  temporal = await connectTestClient();
}, 120_000);

afterAll(async () => {
  await workers?.shutdown();
  await temporal?.close();
  await db?.drop();
});

async function start(input: DailyCleanupInput) {
  return temporal.client.workflow.start<typeof dailyCleanup>('dailyCleanup', {
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    workflowId: `daily-cleanup-test-${randomBytes(4).toString('hex')}`,
    args: [input],
  });
}

test('the daily cleanup runs on Temporal, deletes what retention allows and returns the counts', async () => {
  const gate = await addDevice(db.sql);
  await addPunches(db.sql, gate, [
    ['EMP1', '2025-11-03T08:00:00'],
    ['EMP1', '2025-11-03T17:00:00'],
    ['EMP2', '2025-11-03T08:00:00'],
  ]);
  await processAll(db.sql);
  await setDelivery(db.sql, 'EMP1', '2025-11-03', 'delivered');
  for (const ageDays of [300, 200, 1]) {
    await db.sql`
      insert into poll_runs (device_id, started_at, status)
      values (${gate.id}, ${new Date(now.getTime() - ageDays * 86_400_000)}, 'succeeded')`;
  }

  const handle = await start({ retentionDays: 90, logRetentionDays: 180 });
  expect(await handle.result()).toEqual({
    punchesDeleted: 2,
    duplicatesRemoved: 0,
    pollRunsDeleted: 2,
    attemptsDeleted: 0,
  });
  expect(await storedPunchesByUser(db.sql)).toEqual({ EMP2: 1 });
  expect(await (await start({ retentionDays: 90, logRetentionDays: 180 })).result()).toEqual({
    punchesDeleted: 0,
    duplicatesRemoved: 0,
    pollRunsDeleted: 0,
    attemptsDeleted: 0,
  });
});

test('an invalid retention fails the run at once with the reason, without retries', async () => {
  const handle = await start({ retentionDays: 0, logRetentionDays: 180 });
  await expect(handle.result()).rejects.toMatchObject({
    cause: {
      cause: {
        type: 'ConfigurationError',
        message: 'cleanup retention must be a whole number of days of at least 1, got 0',
      },
    },
  });
  const history = await handle.fetchHistory();
  const attempts = history.events?.filter((e) => e.activityTaskStartedEventAttributes) ?? [];
  expect(attempts.map((e) => e.activityTaskStartedEventAttributes?.attempt)).toEqual([1]);
});
