import { findDevice } from '../../lib/db/devices.js';
import { listDeviceUsers } from '../../lib/db/deviceUsers.js';
import {
  ABANDONED_ERROR,
  recordUnrecordedAttempts,
  startPollRun,
  UNRECORDED_ERROR,
} from '../../lib/db/pollRuns.js';
import { countPunches } from '../../lib/db/punches.js';
import { pollDeviceOnce } from '../../lib/devices/poll.js';
import { CommKeyRefusedError } from '../../lib/errors.js';
import type { SimulatorOptions } from '../../lib/zk/simulator/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { testConfig } from '../support/temporal.js';
import { pollDeps, simulatedDevices } from './simulated.js';

// One poll attempt against a simulated F18, without Temporal: what the device activity does.
let db: TestDatabase;
const simulators = simulatedDevices({ timezone: 'Europe/Berlin' });
const config = testConfig({ LOG_CAPACITY_WARN_PERCENT: '80' });

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await simulators.close();
  await db.drop();
});

const deviceFor = (
  options: SimulatorOptions,
  settings: { clearLogAfterDownload?: boolean; commKey?: number } = {},
) => simulators.add(db.sql, options, settings);

const poll = (deviceId: number, progress: unknown[] = []) =>
  pollDeviceOnce(pollDeps(db.sql, config, { heartbeat: (p) => progress.push(p) }), {
    deviceId,
    workflowId: 'test',
    attempt: 1,
  });

test('status, device users, clock offset and heartbeats come from the device', async () => {
  const { simulator, device } = await deviceFor({
    seed: 3,
    users: 12,
    punches: 2500,
    clockOffsetSeconds: -90,
  });
  const progress: unknown[] = [];
  const result = await poll(device.id, progress);
  expect(result).toMatchObject({ status: 'succeeded', fetched: 2500, logCleared: false });
  expect(progress.length).toBeGreaterThan(0);
  const stored = await findDevice(db.sql, device.id);
  expect(stored).toMatchObject({
    serialNumber: simulator.serialNumber,
    recordCount: 2500,
    capacityWarning: false,
    userCount: 12,
  });
  expect(Math.abs((stored?.clockOffsetSeconds ?? 0) + 90)).toBeLessThanOrEqual(2);
  const users = await listDeviceUsers(db.sql, device.id);
  expect(users.map((u) => u.userId).sort()).toEqual(
    simulator
      .dump()
      .users.map((u) => u.user_id)
      .sort(),
  );
  expect(users.every((u) => u.name.length > 0)).toBe(true);
});

test.each([
  [790, false],
  [800, true],
])('a log of %i records out of 1000 warns: %s', async (punches, warned) => {
  const { device } = await deviceFor({ seed: 4, users: 5, punches, recordCapacity: 1000 });
  await poll(device.id);
  expect((await findDevice(db.sql, device.id))?.capacityWarning).toBe(warned);
});

test('the log is cleared only when asked, inside the same session, after every record is stored', async () => {
  const kept = await deviceFor({ seed: 5, users: 8, punches: 1200 });
  await poll(kept.device.id);
  expect(kept.simulator.recordCount).toBe(1200);

  const cleared = await deviceFor({ seed: 6, users: 8, punches: 1200 }, { clearLogAfterDownload: true });
  const truth = cleared.simulator.dump().punches;
  const result = await poll(cleared.device.id);
  expect(result).toMatchObject({ status: 'succeeded', fetched: 1200, logCleared: true });
  expect(cleared.simulator.recordCount).toBe(0);
  expect(cleared.simulator.enabled).toBe(true);
  expect(await countPunches(db.sql, cleared.device.id)).toBe(
    new Set(truth.map((p) => `${p.user_id}|${p.timestamp}`)).size,
  );
  // One disable, one enable: the clear happened in the download's window.
  expect(cleared.simulator.stats.disableCount).toBe(cleared.simulator.stats.enableCount);

  const again = await poll(cleared.device.id);
  expect(again).toMatchObject({ fetched: 0, inserted: 0 });
});

test('a refused comm key is a typed error, recorded on the device and its poll run', async () => {
  const { device } = await deviceFor({ seed: 7, users: 3, punches: 10, commKey: 777 }, { commKey: 778 });
  await expect(poll(device.id)).rejects.toBeInstanceOf(CommKeyRefusedError);
  const stored = await findDevice(db.sql, device.id);
  expect(stored?.lastError).toMatch(/comm key/i);
  expect(stored?.lastError).not.toContain('778');
  const [run] = await db.sql<
    { status: string; error: string }[]
  >`select status, error from poll_runs where device_id = ${device.id}`;
  expect(run.status).toBe('failed');
});

test('--since: only recent punches are stored, and a filtered download never clears the log', async () => {
  const { simulator, device } = await deviceFor(
    { seed: 8, users: 4, punches: 300 },
    { clearLogAfterDownload: true },
  );
  const userId = simulator.dump().users[0].user_id;
  expect(simulator.addPunch({ userId })).toBe('recorded');
  const result = await pollDeviceOnce(pollDeps(db.sql, config), {
    deviceId: device.id,
    workflowId: 'test',
    attempt: 1,
    sinceSeconds: 3600,
  });
  expect(result).toMatchObject({ fetched: 301, inserted: 1, logCleared: false });
  expect(simulator.recordCount).toBe(301);
});

test('attempts that failed before reaching the database are written, failed, by the next attempt that does', async () => {
  const { device } = await deviceFor({ seed: 8, users: 3, punches: 20 });
  const workflowId = `poll/device-${device.id}`;
  const deps = pollDeps(db.sql, config);
  // An earlier run of the same workflow id, an hour ago: its attempt 1 is not this run's.
  await pollDeviceOnce(deps, { deviceId: device.id, workflowId, attempt: 1 });
  await db.sql`update poll_runs set started_at = now() - interval '1 hour' where device_id = ${device.id}`;
  // This run: attempt 1 found the database down (no row), attempt 2 died with its worker (running).
  const firstScheduledAt = new Date(Date.now() - 10_000);
  await startPollRun(db.sql, { deviceId: device.id, workflowId, attempt: 2 });
  const result = await pollDeviceOnce(deps, {
    deviceId: device.id,
    workflowId,
    attempt: 3,
    firstScheduledAt,
  });
  expect(result.status).toBe('succeeded');
  const runs = await db.sql<{ attempt: number; status: string; error: string | null }[]>`
    select attempt, status, error from poll_runs where device_id = ${device.id}
    order by started_at, id`;
  expect(runs).toEqual([
    { attempt: 1, status: 'succeeded', error: null },
    { attempt: 1, status: 'failed', error: UNRECORDED_ERROR },
    { attempt: 2, status: 'failed', error: ABANDONED_ERROR },
    { attempt: 3, status: 'succeeded', error: null },
  ]);
  // A repeat of attempt 3 (the activity retried after a lost answer) writes nothing twice.
  expect(
    await recordUnrecordedAttempts(db.sql, { deviceId: device.id, workflowId, attempt: 3, firstScheduledAt }),
  ).toEqual([]);
});
