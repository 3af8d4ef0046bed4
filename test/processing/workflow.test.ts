import type { ProcessingCounts } from '../../lib/processing/index.js';
import { processAttendance } from '../../workflows/index.js';
import type { ProcessAttendanceInput } from '../../workflows/processAttendance.js';
import { addDevice } from '../support/devices.js';
import { addPunches } from '../support/punches.js';
import {
  activityAttempts,
  noDevices,
  startWorkflowTestBed,
  type WorkflowTestBed,
} from '../support/temporal.js';
import { storedDays, unprocessedCount } from './fixtures.js';

let bed: WorkflowTestBed;

beforeAll(async () => {
  bed = await startWorkflowTestBed({
    connectDevice: noDevices('processing talks to no device'),
  });
}, 120_000);

afterAll(() => bed?.close());

const start = (input: ProcessAttendanceInput) => bed.start(processAttendance, input);

test('processes every new punch batch by batch, across continue-as-new, and returns the summed counts', async () => {
  const office = await addDevice(bed.db.sql, { timezone: 'Europe/Istanbul' });
  const punches: [string, string][] = [];
  for (const user of ['EMP001', 'EMP002', 'EMP003']) {
    for (const date of ['2025-11-10', '2025-11-11']) {
      punches.push([user, `${date}T08:00:00`], [user, `${date}T17:00:00`]);
    }
  }
  punches.push(['EMP004', '2025-11-11T05:00:00']);
  await addPunches(bed.db.sql, office, punches);

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
  const firstRun = await bed.client.workflow
    .getHandle(handle.workflowId, handle.firstExecutionRunId)
    .describe();
  expect(firstRun.status.name).toBe('CONTINUED_AS_NEW');
  expect(await unprocessedCount(bed.db.sql)).toBe(0);
  expect((await storedDays(bed.db.sql)).map((d) => [d.userId, d.date, d.punchCount])).toEqual([
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
  expect(await activityAttempts(handle)).toEqual([1]);
});
