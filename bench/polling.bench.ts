/**
 * Device polling: (1) download and store one full F18 log (100,000 records) without Temporal, the
 * device activity's own cost; (2) poll 50 simulated devices of 5,000 records each through Temporal,
 * end to end.
 */
import { Client, Connection } from '@temporalio/client';
import { parseConfig } from '../lib/config.js';
import { connect, type Sql } from '../lib/db/connection.js';
import { insertDevice } from '../lib/db/devices.js';
import { migrate } from '../lib/db/migrate.js';
import { countPunches } from '../lib/db/punches.js';
import { pollDeviceOnce } from '../lib/devices/poll.js';
import { createLogger } from '../lib/logger.js';
import { ZkClient } from '../lib/zk/client/index.js';
import { DeviceSimulator, startSimulators } from '../lib/zk/simulator/index.js';
import { freePort } from '../runtime/ports.js';
import { connectWorkers } from '../runtime/temporalConnection.js';
import { startWorkers } from '../worker/workers.js';
import { pollAllDevices } from '../workflows/index.js';
import { benchServices, peakRssMiB, report } from './support.js';

const ZONE = 'Africa/Nairobi';

async function fullLog(sql: Sql): Promise<void> {
  const config = parseConfig({ LOG_LEVEL: 'silent', DEVICE_REQUEST_TIMEOUT_MS: '30000' });
  const simulator = await DeviceSimulator.start({
    users: 500,
    punches: 100_000,
    seed: 7,
    timezone: ZONE,
    writeMode: 'coalesced',
  });
  try {
    const device = await insertDevice(sql, {
      name: 'F18 full log',
      host: '127.0.0.1',
      port: simulator.port,
      commKey: 0,
      timezone: ZONE,
    });
    const started = performance.now();
    const result = await pollDeviceOnce(
      {
        sql,
        config,
        logger: createLogger('silent'),
        connectDevice: (options) => ZkClient.connect(options),
        now: () => new Date(),
        heartbeat: () => {},
      },
      { deviceId: device.id, workflowId: null, attempt: 1 },
    );
    const seconds = (performance.now() - started) / 1000;
    report({
      'full log: records read': result.fetched,
      'full log: punches stored': result.inserted,
      'full log: seconds (connect, read, decode, store)': seconds.toFixed(2),
      'full log: records/s': Math.round(result.fetched / seconds),
      'full log: peak RSS MiB': peakRssMiB(),
    });
  } finally {
    await simulator.close();
    await sql`update devices set enabled = false`;
  }
}

async function fiftyDevices(sql: Sql, temporalAddress: string): Promise<void> {
  const suffix = Math.random().toString(36).slice(2, 8);
  const config = parseConfig({
    LOG_LEVEL: 'silent',
    TEMPORAL_TASK_QUEUE: `bench-main-${suffix}`,
    DEVICE_TASK_QUEUE: `bench-devices-${suffix}`,
    CRM_TASK_QUEUE: `bench-crm-${suffix}`,
  });
  const simulators = await startSimulators({
    devices: 50,
    basePort: await freePort(),
    users: 100,
    punches: 5000,
    seed: 100,
    timezone: ZONE,
    writeMode: 'coalesced',
  }).catch(async () =>
    // Consecutive free ports are not guaranteed; fall back to OS-assigned ones.
    Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        DeviceSimulator.start({
          users: 100,
          punches: 5000,
          seed: 100 + i,
          timezone: ZONE,
          writeMode: 'coalesced',
        }),
      ),
    ),
  );
  const before = await countPunches(sql);
  for (const [i, s] of simulators.entries()) {
    await insertDevice(sql, {
      name: `Site ${i}`,
      host: '127.0.0.1',
      port: s.port,
      commKey: 0,
      timezone: ZONE,
    });
  }
  const workerConnection = await connectWorkers(temporalAddress, config);
  const workers = await startWorkers({
    connection: workerConnection,
    config,
    deps: {
      sql,
      config,
      logger: createLogger('silent'),
      connectDevice: (o) => ZkClient.connect(o),
      crm: null,
      now: () => new Date(),
    },
  });
  const connection = await Connection.connect({ address: temporalAddress });
  try {
    const started = performance.now();
    const result = await new Client({ connection }).workflow.execute(pollAllDevices, {
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      workflowId: `bench-poll-all-${suffix}`,
      args: [{ defaultTaskQueue: config.DEVICE_TASK_QUEUE, maxAttempts: 3 }],
    });
    const seconds = (performance.now() - started) / 1000;
    report({
      '50 devices: successful': `${result.successful} of ${result.totalDevices}`,
      '50 devices: punches stored': (await countPunches(sql)) - before,
      '50 devices: seconds end to end (Temporal)': seconds.toFixed(2),
      '50 devices: device activity concurrency': config.DEVICE_ACTIVITY_CONCURRENCY,
      '50 devices: peak RSS MiB (bench process, incl. worker)': peakRssMiB(),
    });
  } finally {
    await connection.close();
    await workers.shutdown();
    await workerConnection.close();
    await Promise.all(simulators.map((s) => s.close()));
  }
}

const services = await benchServices({ temporal: true });
const sql = connect(services.databaseUrl);
try {
  await migrate(sql);
  await fullLog(sql);
  await fiftyDevices(sql, services.temporalAddress!);
} finally {
  await sql.end();
  await services.stop();
}
