import { randomBytes } from 'node:crypto';
import type { ProcessingCounts } from '../../lib/processing/index.js';
import type { processAttendance } from '../../workflows/index.js';
import type { ProcessAttendanceInput } from '../../workflows/processAttendance.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { addDevice } from '../support/devices.js';
import { addPunches } from '../support/punches.js';
import { connectTestClient, startTestWorkers, testActivityDeps, testConfig } from '../support/temporal.js';
import { storedDays, unprocessedCount } from './fixtures.js';

let db: TestDatabase;
let workers: Awaited<ReturnType<typeof startTestWorkers>>;
let temporal: Awaited<ReturnType<typeof connectTestClient>>;
const config = testConfig();

beforeAll(async () => {
  db = await createTestDatabase();
  const deps = testActivityDeps(db.sql, config, {
    connectDevice: async () => {
      throw new Error('processing talks to no device');
    },
  });
  workers = await startTestWorkers({ config, deps });
  temporal = await connectTestClient();
}, 120_000);

afterAll(async () => {
  await workers?.shutdown();
  await temporal?.close();
  await db?.drop();
});

async function start(input: ProcessAttendanceInput) {
  return temporal.client.workflow.start<typeof processAttendance>('processAttendance', {
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    workflowId: `process-attendance-test-${randomBytes(4).toString('hex')}`,
    args: [input],
  });
}

test('processes every new punch batch by batch, across continue-as-new, and returns the summed counts', async () => {
  const office = await addDevice(db.sql, { timezone: 'Europe/Istanbul' });
  const punches: [string, string][] = [];
  for (const user of ['EMP001', 'EMP002', 'EMP003']) {
    for (const date of ['2025-11-10', '2025-11-11']) {
      punches.push([user, `${date}T08:00:00`], [user, `${date}T17:00:00`]);
    }
  }
  punches.push(['EMP004', '2025-11-11T05:00:00']);
  await addPunches(db.sql, office, punches);

  // 13 punches in batches of 2, two batches a run: several runs, each continuing as new.
  const handle = await start({ batchSize: 2, batchesPerRun: 2 });
  const result: ProcessingCounts = await handle.result();

  expect(result).toEqual({
    punchesProcessed: 13,
    daysCreated: 7,
    daysRevised: 0,
    daysUnchanged: 0,
    outliers: 1,
    failed: 0,
  });
  const firstRun = await temporal.client.workflow
    .getHandle(handle.workflowId, handle.firstExecutionRunId)
    .describe();
  expect(firstRun.status.name).toBe('CONTINUED_AS_NEW');
  expect(await unprocessedCount(db.sql)).toBe(0);
  expect((await storedDays(db.sql)).map((d) => [d.userId, d.date, d.punchCount])).toEqual([
    ['EMP001', '2025-11-10', 2],
    ['EMP001', '2025-11-11', 2],
    ['EMP002', '2025-11-10', 2],
    ['EMP002', '2025-11-11', 2],
    ['EMP003', '2025-11-10', 2],
    ['EMP003', '2025-11-11', 2],
    ['EMP004', '2025-11-11', 1],
  ]);

  // Nothing new: one batch finds nothing and the run ends with zero counts.
  expect(await (await start({})).result()).toMatchObject({ punchesProcessed: 0, daysCreated: 0 });

  // With a range, the days are rebuilt from raw in one activity.
  expect(await (await start({ startDate: '2025-11-11', endDate: '2025-11-11' })).result()).toEqual({
    punchesProcessed: 7,
    daysCreated: 0,
    daysRevised: 0,
    daysUnchanged: 4,
    outliers: 1,
    failed: 0,
  });
});

test('a bad range fails the workflow at once with the reason, without retries', async () => {
  const handle = await start({ startDate: '2025-02-30' });
  await expect(handle.result()).rejects.toMatchObject({
    cause: {
      cause: { type: 'ConfigurationError', message: 'start date "2025-02-30" is not a date like 2025-11-11' },
    },
  });
  const history = await handle.fetchHistory();
  const attempts = history.events?.filter((e) => e.activityTaskStartedEventAttributes) ?? [];
  expect(attempts.map((e) => e.activityTaskStartedEventAttributes?.attempt)).toEqual([1]);
});
