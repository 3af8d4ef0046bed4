import { type Client, WorkflowFailedError } from '@temporalio/client';
import { insertDevice, listDevices } from '../../lib/db/devices.js';
import type { PollAllResult } from '../../lib/devices/types.js';
import { DeviceSimulator } from '../../lib/zk/simulator/index.js';
import { freePort } from '../../runtime/ports.js';
import type { RunningWorkers } from '../../worker/workers.js';
import { pollAllDevices } from '../../workflows/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { connectTestClient, startTestWorkers, testActivityDeps, testConfig } from '../support/temporal.js';

// The poll end to end: real Temporal, real PostgreSQL, simulated F18s over real TCP.
const ZONE = 'Africa/Nairobi';
const config = testConfig({
  TIME_ZONE: ZONE,
  DEVICE_REQUEST_TIMEOUT_MS: '3000',
  DEVICE_CONNECT_TIMEOUT_MS: '1000',
});

let db: TestDatabase;
let temporal: { client: Client; close(): Promise<void> };
let workers: RunningWorkers;
const simulators: DeviceSimulator[] = [];
let ids: Record<'plain' | 'keyed' | 'flaky' | 'unreachable' | 'wrongKey', number>;
let plain: DeviceSimulator;
let keyed: DeviceSimulator;
let flaky: DeviceSimulator;

async function simulator(options: Parameters<typeof DeviceSimulator.start>[0]): Promise<DeviceSimulator> {
  const s = await DeviceSimulator.start({ timezone: ZONE, ...options });
  simulators.push(s);
  return s;
}

beforeAll(async () => {
  db = await createTestDatabase();
  temporal = await connectTestClient();
  plain = await simulator({
    seed: 11,
    users: 30,
    punches: 3000,
    writeMode: 'coalesced',
    clockOffsetSeconds: 120,
    refuseSecondSession: true,
  });
  keyed = await simulator({ seed: 12, users: 20, punches: 2000, commKey: 123456, writeMode: 'fragmented' });
  // ~5,000 records need several 64 KB chunks; the connection drops in the second, once.
  flaky = await simulator({ seed: 13, users: 40, punches: 5000, dropAtChunk: { chunk: 2, times: 1 } });
  const add = (name: string, port: number, commKey = 0) =>
    insertDevice(db.sql, { name, host: '127.0.0.1', port, commKey, timezone: ZONE }).then((d) => d.id);
  ids = {
    plain: await add('Main Office', plain.port),
    keyed: await add('Warehouse', keyed.port, 123456),
    flaky: await add('Gate', flaky.port),
    unreachable: await add('Branch (offline)', await freePort()),
    wrongKey: await add(
      'Annex',
      (await simulator({ seed: 14, users: 5, punches: 10, commKey: 4321 })).port,
      999,
    ),
  };
  workers = await startTestWorkers({ config, deps: testActivityDeps(db.sql, config) });
}, 60_000);

afterAll(async () => {
  await workers?.shutdown();
  await Promise.all(simulators.map((s) => s.close()));
  await temporal?.close();
  await db?.drop();
});

async function pollAll(): Promise<PollAllResult> {
  return temporal.client.workflow.execute(pollAllDevices, {
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    workflowId: `test-poll-all-${Math.random().toString(36).slice(2)}`,
    args: [{ defaultTaskQueue: config.DEVICE_TASK_QUEUE, maxAttempts: 3, retryInitialIntervalMs: 100 }],
  });
}

async function storedPunches(deviceId: number) {
  return db.sql<{ userId: string; local: string; verifyType: number; state: number; instant: Date }[]>`
    select user_id as "userId", to_char(punched_at_local, 'YYYY-MM-DD"T"HH24:MI:SS') as local,
           verify_type as "verifyType", punch_state as state, punched_at as instant
    from raw_punches where device_id = ${deviceId}`;
}

function groundTruth(sim: DeviceSimulator): Set<string> {
  return new Set(
    sim.dump().punches.map((p) => `${p.user_id}|${p.timestamp}|${p.verify_type}|${p.punch_state}`),
  );
}

test('every punch of every reachable device is stored exactly once; failures are visible and contained', async () => {
  const first = await pollAll();
  expect(first.totalDevices).toBe(5);
  const byId = new Map(first.devices.map((d) => [d.deviceId, d]));
  expect(byId.get(ids.plain)).toMatchObject({ status: 'succeeded', fetched: 3000 });
  expect(byId.get(ids.keyed)).toMatchObject({ status: 'succeeded', fetched: 2000 });
  expect(byId.get(ids.flaky)).toMatchObject({ status: 'succeeded', fetched: 5000 });
  expect(byId.get(ids.unreachable)?.status).toBe('failed');
  expect(byId.get(ids.wrongKey)?.status).toBe('failed');
  expect(first).toMatchObject({ successful: 3, failed: 2 });

  // The stored punches are the devices' logs exactly (the log's identical duplicates collapse).
  for (const [id, sim] of [
    [ids.plain, plain],
    [ids.keyed, keyed],
    [ids.flaky, flaky],
  ] as const) {
    const stored = await storedPunches(id);
    const keys = new Set(stored.map((p) => `${p.userId}|${p.local}|${p.verifyType}|${p.state}`));
    expect(keys).toEqual(groundTruth(sim));
    expect(stored.length).toBe(new Set(sim.dump().punches.map((p) => `${p.user_id}|${p.timestamp}`)).size);
    expect(byId.get(id)?.inserted).toBe(stored.length);
  }

  // Device wall-clock time is Nairobi time (UTC+3, no DST): the instant is three hours earlier.
  const [sample] = await storedPunches(ids.plain);
  expect(sample.instant.toISOString().slice(0, 19)).toBe(
    new Date(Date.parse(`${sample.local}Z`) - 3 * 3600_000).toISOString().slice(0, 19),
  );

  // A second poll stores nothing new.
  const second = await pollAll();
  expect(second.devices.filter((d) => d.status === 'succeeded').map((d) => d.inserted)).toEqual([0, 0, 0]);

  // Status and poll runs tell what happened to each device.
  const devices = new Map((await listDevices(db.sql)).map((d) => [d.id, d]));
  expect(devices.get(ids.plain)).toMatchObject({
    consecutiveFailures: 0,
    recordCount: 3000,
    recordCapacity: 100_000,
    serialNumber: plain.serialNumber,
    lastError: null,
  });
  expect(Math.abs((devices.get(ids.plain)?.clockOffsetSeconds ?? 0) - 120)).toBeLessThanOrEqual(2);
  expect(devices.get(ids.unreachable)).toMatchObject({ consecutiveFailures: 2 });
  expect(devices.get(ids.unreachable)?.lastError).toMatch(/127\.0\.0\.1:\d+/);
  expect(devices.get(ids.wrongKey)?.lastError).toMatch(/comm key/i);

  const runs = async (deviceId: number) =>
    db.sql<{ attempt: number; status: string }[]>`
      select attempt, status from poll_runs where device_id = ${deviceId} order by id`;
  // Unreachable: three attempts per poll, then failed.
  expect((await runs(ids.unreachable)).map((r) => r.status)).toEqual(Array(6).fill('failed'));
  expect((await runs(ids.unreachable)).map((r) => r.attempt)).toEqual([1, 2, 3, 1, 2, 3]);
  // A refused comm key is not retried.
  expect((await runs(ids.wrongKey)).map((r) => r.attempt)).toEqual([1, 1]);
  // The dropped transfer failed once and was complete on its retry.
  expect((await runs(ids.flaky)).map((r) => `${r.attempt}:${r.status}`)).toEqual([
    '1:failed',
    '2:succeeded',
    '1:succeeded',
  ]);

  // No device is left with its keypad locked.
  for (const sim of simulators) expect(sim.enabled).toBe(true);
}, 120_000);

test('a device queued while one poll of it runs is not polled twice at once', async () => {
  const runs = await Promise.allSettled([pollAll(), pollAll()]);
  const results = runs.filter((r): r is PromiseFulfilledResult<PollAllResult> => r.status === 'fulfilled');
  expect(results).toHaveLength(2);
  for (const r of runs) if (r.status === 'rejected') expect(r.reason).not.toBeInstanceOf(WorkflowFailedError);
  const plainOutcomes = results.map((r) => r.value.devices.find((d) => d.deviceId === ids.plain)?.status);
  expect(plainOutcomes).toContain('succeeded');
  for (const outcome of plainOutcomes) expect(['succeeded', 'skipped']).toContain(outcome);
  // The simulator refuses a second concurrent session: none was ever attempted.
  expect(plain.stats.connectionsRefused).toBe(0);
}, 120_000);
