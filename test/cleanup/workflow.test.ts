import type { DailyCleanupInput } from '../../lib/cleanup/index.js';
import { dailyCleanup } from '../../workflows/index.js';
import { addDevice } from '../support/devices.js';
import { addPunches } from '../support/punches.js';
import {
  activityAttempts,
  noDevices,
  startWorkflowTestBed,
  type WorkflowTestBed,
} from '../support/temporal.js';
import { processAll, setDelivery, storedPunchesByUser } from './fixtures.js';

const now = new Date('2026-03-01T02:00:00Z');
let bed: WorkflowTestBed;

beforeAll(async () => {
  bed = await startWorkflowTestBed({
    connectDevice: noDevices('the cleanup talks to no device'),
    now: () => now,
  });
}, 120_000);

afterAll(() => bed?.close());

const start = (input: DailyCleanupInput) => bed.start(dailyCleanup, input);

test('the daily cleanup runs on Temporal, deletes what retention allows and returns the counts', async () => {
  const gate = await addDevice(bed.db.sql);
  await addPunches(bed.db.sql, gate, [
    ['EMP1', '2025-11-03T08:00:00'],
    ['EMP1', '2025-11-03T17:00:00'],
    ['EMP2', '2025-11-03T08:00:00'],
  ]);
  await processAll(bed.db.sql);
  await setDelivery(bed.db.sql, 'EMP1', '2025-11-03', 'delivered');
  for (const ageDays of [300, 200, 1]) {
    await bed.db.sql`
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
  expect(await storedPunchesByUser(bed.db.sql)).toEqual({ EMP2: 1 });
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
  expect(await activityAttempts(handle)).toEqual([1]);
});
