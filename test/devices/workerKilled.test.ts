import { Client, Connection } from '@temporalio/client';
import type { Config } from '../../lib/config.js';
import { insertDevice } from '../../lib/db/devices.js';
import { countPunches } from '../../lib/db/punches.js';
import { DeviceSimulator } from '../../lib/zk/simulator/index.js';
import { pollDevice } from '../../workflows/index.js';
import { commandEnv, createTestNamespace } from '../cli/support.js';
import { type BridgeProcess, spawnBridge, waitFor } from '../support/bridgeProcess.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { testConfig, testTemporalAddress } from '../support/temporal.js';

// The worker as its own process, killed with SIGKILL while it downloads a log from a terminal it
// disabled: the retry, on the next worker, unlocks the terminal first and stores every punch once.
const ZONE = 'Africa/Nairobi';
let db: TestDatabase;
let config: Config;
let simulator: DeviceSimulator;
const workers: BridgeProcess[] = [];

function startWorker(): BridgeProcess {
  const env = Object.fromEntries(
    Object.entries({ ...commandEnv(config, db.url), LOG_LEVEL: 'info' }).filter(
      (e): e is [string, string] => e[1] !== undefined,
    ),
  );
  const worker = spawnBridge(['worker'], env);
  workers.push(worker);
  return worker;
}

async function running(worker: BridgeProcess): Promise<void> {
  await waitFor(async () => (worker.output().includes('workers running') ? true : undefined), {
    timeoutMs: 300_000,
    what: 'the workers to start',
    stopIf: () => (worker.child.exitCode !== null ? `the worker exited:\n${worker.output()}` : null),
  });
}

beforeAll(async () => {
  db = await createTestDatabase();
  config = testConfig({ TEMPORAL_NAMESPACE: await createTestNamespace(), DEVICE_REQUEST_TIMEOUT_MS: '5000' });
  // Separate writes with a pause after each packet: the download takes several seconds.
  simulator = await DeviceSimulator.start({
    timezone: ZONE,
    seed: 41,
    users: 50,
    punches: 20_000,
    writeMode: 'separate',
    writeDelayMs: 5,
  });
});

afterAll(async () => {
  for (const worker of workers) {
    if (worker.child.exitCode === null && worker.child.signalCode === null) {
      worker.child.kill('SIGKILL');
      await worker.exited;
    }
  }
  await simulator?.close();
  await db?.drop();
});

test('a worker killed mid-transfer leaves the terminal disabled only until the retry starts', async () => {
  const device = await insertDevice(db.sql, {
    name: 'Gate',
    host: '127.0.0.1',
    port: simulator.port,
    commKey: 0,
    timezone: ZONE,
  });
  const first = startWorker();
  await running(first);
  const connection = await Connection.connect({ address: testTemporalAddress() });
  try {
    const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
    const handle = await client.workflow.start(pollDevice, {
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      workflowId: `poll/device-${device.id}`,
      args: [
        {
          deviceId: device.id,
          taskQueue: config.DEVICE_TASK_QUEUE,
          maxAttempts: 3,
          retryInitialIntervalMs: 500,
        },
      ],
    });
    await waitFor(async () => (!simulator.enabled && simulator.stats.chunksServed >= 1 ? true : undefined), {
      timeoutMs: 60_000,
      what: 'the download to be under way',
    });
    first.child.kill('SIGKILL');
    await first.exited;
    expect(simulator.enabled).toBe(false);
    const changesAtKill = simulator.enabledChanges.length;

    const second = startWorker();
    await running(second);
    const result = await handle.result();
    expect(result).toMatchObject({ status: 'succeeded', fetched: 20_000 });

    // After the kill: the retry's session enabled the terminal before it disabled it for its own read.
    // (then the attendance read and the user-table read each disable and enable it).
    expect(simulator.enabledChanges.slice(changesAtKill).map((c) => c.enabled)).toEqual([
      true,
      false,
      true,
      false,
      true,
    ]);
    const runs = await db.sql<
      { attempt: number; status: string; error: string | null; sessionAt: Date; enabledAt: Date | null }[]
    >`
      select attempt, status, error, session_opened_at as "sessionAt", device_enabled_at as "enabledAt"
      from poll_runs where device_id = ${device.id} order by id`;
    expect(runs.map((r) => [r.attempt, r.status])).toEqual([
      [1, 'failed'],
      [2, 'succeeded'],
    ]);
    expect(runs[0].error).toMatch(/^abandoned/);
    const unlockedAfterRetryMs = simulator.enabledChanges[changesAtKill].atMs - runs[1].sessionAt.getTime();
    console.info(`terminal enabled ${unlockedAfterRetryMs} ms after the retry's session opened`);

    const distinct = new Set(simulator.dump().punches.map((p) => `${p.user_id}|${p.timestamp}`)).size;
    expect(await countPunches(db.sql, device.id)).toBe(distinct);
  } finally {
    await connection.close();
  }
}, 900_000);
