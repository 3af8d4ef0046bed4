import { Client, Connection } from '@temporalio/client';
import { run as poll } from '../../cli/commands/poll.js';
import { run as status } from '../../cli/commands/status.js';
import { insertDevice } from '../../lib/db/devices.js';
import { DeviceSimulator } from '../../lib/zk/simulator/index.js';
import { freePort } from '../../runtime/ports.js';
import type { RunningWorkers } from '../../worker/workers.js';
import { pollWorkflowIds } from '../../workflows/ids.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { startTestWorkers, testActivityDeps, testConfig, testTemporalAddress } from '../support/temporal.js';
import { commandEnv, createTestNamespace, runCommand } from './support.js';

// `bridge poll` through a real Temporal (a namespace of this file's own), real workers, real
// PostgreSQL and simulated F18s on real TCP.
const ZONE = 'Africa/Nairobi';
const COMM_KEY = 246813;
let db: TestDatabase;
let workers: RunningWorkers;
let connection: Connection;
let client: Client;
let config: ReturnType<typeof testConfig>;
const simulators: DeviceSimulator[] = [];
let office: DeviceSimulator;
let slow: DeviceSimulator;
let ids: { office: number; warehouse: number; offline: number; slow: number };

const env = () => commandEnv(config, db.url);

async function simulator(options: Parameters<typeof DeviceSimulator.start>[0]): Promise<DeviceSimulator> {
  const s = await DeviceSimulator.start({ port: 0, timezone: ZONE, ...options });
  simulators.push(s);
  return s;
}

async function storedCount(deviceId: number): Promise<number> {
  const [{ count }] = await db.sql<{ count: number }[]>`
    select count(*)::int as count from raw_punches where device_id = ${deviceId}`;
  return count;
}

const uniquePunches = (s: DeviceSimulator) =>
  new Set(s.dump().punches.map((p) => `${p.user_id}|${p.timestamp}`)).size;

beforeAll(async () => {
  db = await createTestDatabase();
  config = testConfig({
    TEMPORAL_NAMESPACE: await createTestNamespace(),
    TIME_ZONE: ZONE,
    DEVICE_POLL_MAX_ATTEMPTS: '1',
    DEVICE_CONNECT_TIMEOUT_MS: '1000',
    DEVICE_REQUEST_TIMEOUT_MS: '3000',
  });
  office = await simulator({ seed: 41, users: 20, punches: 1500, clockOffsetSeconds: -40 });
  const warehouse = await simulator({ seed: 42, users: 10, punches: 300, commKey: COMM_KEY });
  // Slow enough (one small packet at a time, 2 ms apart) that a poll is still reading when looked at.
  slow = await simulator({
    seed: 43,
    users: 10,
    punches: 12_000,
    writeMode: 'separate',
    splitDataBytes: 512,
    writeDelayMs: 2,
  });
  const add = (name: string, port: number, commKey = 0) =>
    insertDevice(db.sql, { name, host: '127.0.0.1', port, commKey, timezone: ZONE }).then((d) => d.id);
  ids = {
    office: await add('Main Office', office.port),
    warehouse: await add('Warehouse', warehouse.port, COMM_KEY),
    offline: await add('Branch (offline)', await freePort()),
    slow: await add('Slow Gate', slow.port),
  };
  // The slow gate joins the "all devices" polls only in the test about progress.
  await db.sql`update devices set enabled = false where id = ${ids.slow}`;
  workers = await startTestWorkers({ config, deps: testActivityDeps(db.sql, config) });
  connection = await Connection.connect({ address: testTemporalAddress() });
  client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
}, 120_000);

afterAll(async () => {
  await workers?.shutdown();
  await connection?.close();
  await Promise.all(simulators.map((s) => s.close()));
  await db?.drop();
});

test('poll runs through Temporal, stores the punches, reports each device and exits 1 for the failure', async () => {
  const result = await runCommand(poll, [], env());
  expect(result.code).toBe(1);
  expect(result.stdout).toMatch(
    new RegExp(
      `device ${ids.office} "Main Office" \\(127\\.0\\.0\\.1:\\d+\\): ok, 1500 punches read, \\d+ new`,
    ),
  );
  expect(result.stdout).toMatch(/clock \d+ s behind/);
  expect(result.stdout).toMatch(new RegExp(`device ${ids.warehouse} "Warehouse" .*: ok, 300 punches read`));
  expect(result.stdout).toMatch(
    new RegExp(`device ${ids.offline} "Branch \\(offline\\)" .*: FAILED: .*refused`),
  );
  expect(result.stdout).toContain('2 of 3 devices polled, 1 failed.');
  expect(await storedCount(ids.office)).toBe(uniquePunches(office));
  expect(result.output).not.toContain(String(COMM_KEY));

  // The run carries the manual id, so it is easy to find in the Web UI and cannot run twice.
  const run = await client.workflow.getHandle(pollWorkflowIds.all).describe();
  expect(run.type).toBe('pollAllDevices');
  expect(run.status.name).toBe('COMPLETED');

  // Polling again stores nothing twice.
  const again = await runCommand(poll, ['--device-id', String(ids.office)], env());
  expect(again.code).toBe(0);
  expect(again.stdout).toMatch(/ok, 1500 punches read, 0 new/);
});

test('--since-hours stores only the punches of that window', async () => {
  const fresh = await simulator({ seed: 44, users: 5, punches: 200 });
  const id = (
    await insertDevice(db.sql, {
      name: 'Reception',
      host: '127.0.0.1',
      port: fresh.port,
      commKey: 0,
      timezone: ZONE,
      enabled: false,
    })
  ).id;
  // The generated log is from 2024: nothing in it is from the last 24 hours.
  const windowed = await runCommand(poll, ['--device-id', String(id), '--since-hours', '24'], env());
  expect(windowed.code).toBe(0);
  expect(windowed.stdout).toContain(`device ${id} "Reception" (127.0.0.1:${fresh.port}) is disabled`);
  expect(windowed.stdout).toMatch(/ok, 200 punches read, 0 new/);
  expect(await storedCount(id)).toBe(0);

  const whole = await runCommand(poll, ['--device-id', String(id)], env());
  expect(whole.stdout).toMatch(new RegExp(`ok, 200 punches read, ${uniquePunches(fresh)} new`));
});

test('a poll of a device already being polled is waited for, with a bar fed by the download heartbeats', async () => {
  const workflowId = pollWorkflowIds.device(ids.slow);
  await client.workflow.start('pollDevice', {
    workflowId,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    args: [{ deviceId: ids.slow, taskQueue: config.DEVICE_TASK_QUEUE, maxAttempts: 1 }],
  });
  const result = await runCommand(poll, ['--device-id', String(ids.slow)], env());
  expect(result.code).toBe(0);
  expect(result.stdout).toContain(`${workflowId} is already running`);
  expect(result.stdout).toMatch(
    /Polling device \d+ "Slow Gate" .*\[[#.]+\] \d+% [\d.]+ [KM]?B of [\d.]+ [KM]?B/,
  );
  expect(result.stdout).toMatch(/ok, 12000 punches read/);
  // One run only: the command joined the one that was going.
  const runs = [];
  for await (const run of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs.push(run);
  expect(runs).toHaveLength(1);
});

test('status shows the devices, the backlog and the recent failures', async () => {
  const result = await runCommand(status, [], env());
  expect(result.code).toBe(0);
  const lines = result.stdout.split('\n');
  const row = (name: string) => lines.find((line) => line.includes(name)) ?? '';
  expect(lines[0]).toBe('Devices (5):');
  expect(row('Main Office')).toMatch(
    /enabled\s+2\d{3}-\d\d-\d\dT[\d:]+\+03:00 \((\d+ \w+ )+ago\)\s+0\s+(\d+ \w+ )+behind\s+1%/,
  );
  expect(row('Branch (offline)')).toMatch(/enabled\s+never\s+1\s+\?\s+\?/);
  expect(row('Slow Gate')).toMatch(/disabled/);
  expect(result.stdout).toMatch(new RegExp(`device ${ids.offline} last error .*: .*refused`));
  const unprocessed = await storedCount(ids.office);
  expect(result.stdout).toMatch(/punches not processed yet: \d+ \(oldest stored /);
  expect(Number(/punches not processed yet: (\d+)/.exec(result.stdout)?.[1])).toBeGreaterThanOrEqual(
    unprocessed,
  );
  expect(result.stdout).toContain('delivery pending: 0');
  expect(result.stdout).toMatch(
    new RegExp(`poll of device ${ids.offline} "Branch \\(offline\\)" .*attempt 1: .*refused`),
  );
  expect(result.output).not.toContain(String(COMM_KEY));
});
