import { readStatus } from '../../cli/statusReport.js';
import { findDevice } from '../../lib/db/devices.js';
import { countPunches } from '../../lib/db/punches.js';
import { pollDeviceOnce } from '../../lib/devices/poll.js';
import { DeviceUnreachableError } from '../../lib/errors.js';
import { ZkClient, type ZkClientOptions } from '../../lib/zk/client/index.js';
import { Cmd } from '../../lib/zk/codec/index.js';
import type { SimulatorOptions } from '../../lib/zk/simulator/index.js';
import { pollDevice } from '../../workflows/index.js';
import type { TestDatabase } from '../support/database.js';
import { startWorkflowTestBed, testConfig, type WorkflowTestBed } from '../support/temporal.js';
import { pollDeps, simulatedDevices } from './simulated.js';

// A terminal disabled by a poll that then failed refuses fingerprints: nobody can clock in.
const ZONE = 'Africa/Nairobi';
const config = testConfig({ DEVICE_REQUEST_TIMEOUT_MS: '3000', DEVICE_CONNECT_TIMEOUT_MS: '1000' });
const simulators = simulatedDevices({ timezone: ZONE });
let bed: WorkflowTestBed;
let db: TestDatabase;

beforeAll(async () => {
  bed = await startWorkflowTestBed({}, config);
  db = bed.db;
}, 240_000);

afterAll(async () => {
  await bed?.close();
  await simulators.close();
});

const deviceFor = (options: SimulatorOptions) => simulators.add(db.sql, options);

const runs = (deviceId: number) =>
  db.sql<
    {
      id: number;
      attempt: number;
      status: string;
      enabled: boolean;
      enableError: string | null;
      error: string;
    }[]
  >`
    select id, attempt, status, device_enabled_at is not null as enabled, enable_error as "enableError", error
    from poll_runs where device_id = ${deviceId} order by id`;

test('a device that drops the connection in every attempt ends the poll enabled', async () => {
  // 5,000 records need several chunks; the connection drops in the second, three times.
  const { simulator, device } = await deviceFor({
    seed: 31,
    users: 30,
    punches: 5000,
    dropAtChunk: { chunk: 2, times: 3 },
  });
  const result = await bed.client.workflow.execute(pollDevice, {
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    workflowId: `test-enable-${device.id}-${Date.now()}`,
    args: [
      {
        deviceId: device.id,
        taskQueue: config.DEVICE_TASK_QUEUE,
        maxAttempts: 3,
        retryInitialIntervalMs: 100,
      },
    ],
  });
  expect(result.status).toBe('failed');
  expect(simulator.stats.connectionsDropped).toBe(3);
  expect(simulator.stats.disableCount).toBe(3);
  expect(simulator.enabled).toBe(true);
  // Each attempt disabled the terminal, lost it, and enabled it again in a session of its own.
  expect((await runs(device.id)).map((r) => [r.attempt, r.status, r.enabled])).toEqual([
    [1, 'failed', true],
    [2, 'failed', true],
    [3, 'failed', true],
  ]);
  expect(simulator.enabledChanges.map((c) => c.enabled)).toEqual([false, true, false, true, false, true]);
  expect((await findDevice(db.sql, device.id))?.consecutiveFailures).toBe(1);
}, 120_000);

test('when even the enable session fails, the device status says the terminal may be left disabled', async () => {
  const { simulator, device } = await deviceFor({
    seed: 32,
    users: 10,
    punches: 5000,
    dropAtChunk: { chunk: 2, times: 1 },
  });
  let sessions = 0;
  // The terminal is gone right after the drop (power cut, cable pulled): no session reaches it.
  const vanishing = async (options: ZkClientOptions) => {
    sessions++;
    if (sessions > 1) throw new DeviceUnreachableError(`${options.host}:${options.port} does not answer`);
    return ZkClient.connect(options);
  };
  const attempt = (attemptNumber: number) =>
    pollDeviceOnce(pollDeps(db.sql, config, { connectDevice: vanishing }), {
      deviceId: device.id,
      workflowId: 'test-vanishing',
      attempt: attemptNumber,
    });
  await expect(attempt(1)).rejects.toThrow();
  expect(simulator.enabled).toBe(false);
  const [failed] = await runs(device.id);
  expect(failed).toMatchObject({ status: 'failed', enabled: false });
  expect(failed.enableError).toMatch(/could not enable device \d+ .* again after a failed poll/);
  const stored = await findDevice(db.sql, device.id);
  expect(stored?.lastError).toMatch(/may refuse fingerprints/);

  // The terminal is back: the next attempt unlocks it before anything else, then polls.
  sessions = -100;
  const next = await attempt(2);
  expect(next.status).toBe('succeeded');
  expect(simulator.enabled).toBe(true);
  expect(simulator.enabledChanges.map((c) => c.enabled)).toEqual([false, true, false, true, false, true]);
  expect(simulator.stats.commandCounts.CMD_ENABLEDEVICE).toBeGreaterThanOrEqual(3);
}, 240_000);

test('an attempt whose worker died is closed as abandoned, credited with what it stored, and shown by status', async () => {
  const { simulator, device } = await deviceFor({ seed: 33, users: 10, punches: 1500 });
  await pollDeviceOnce(pollDeps(db.sql, config), {
    deviceId: device.id,
    workflowId: 'test-abandoned',
    attempt: 1,
  });
  const stored = await countPunches(db.sql, device.id);
  // What a worker killed after storing leaves behind: its row still running, the terminal locked.
  const [dead] = await db.sql<{ id: number }[]>`
    update poll_runs set status = 'running', finished_at = null, inserted = 0, device_enabled_at = null
    where device_id = ${device.id} returning id`;
  const session = await ZkClient.connect({ host: '127.0.0.1', port: simulator.port });
  // DISABLE sent raw (its ACK_OK is no dataset, hence the rejection), then the session just ends.
  await session.readDirectDataset(Cmd.DISABLE_DEVICE).catch(() => {});
  await session.close();
  expect(simulator.enabled).toBe(false);

  const next = await pollDeviceOnce(pollDeps(db.sql, config), {
    deviceId: device.id,
    workflowId: 'test-abandoned',
    attempt: 2,
  });
  expect(next).toMatchObject({ status: 'succeeded', inserted: 0 });
  expect(simulator.enabled).toBe(true);
  const [abandoned, retry] = await runs(device.id);
  expect(abandoned).toMatchObject({
    id: dead.id,
    status: 'failed',
    error: expect.stringMatching(/^abandoned/),
  });
  const [credited] = await db.sql<
    { inserted: number }[]
  >`select inserted from poll_runs where id = ${dead.id}`;
  expect(credited.inserted).toBe(stored);
  expect(retry).toMatchObject({ attempt: 2, status: 'succeeded', enabled: true });

  const status = await readStatus(db.sql);
  expect(status.failedPolls.some((p) => p.deviceId === device.id && /abandoned/.test(p.error))).toBe(true);
}, 240_000);
