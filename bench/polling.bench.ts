import { Client, Connection } from '@temporalio/client';
import { parseConfig } from '../lib/config.js';
import { connect, type Sql } from '../lib/db/connection.js';
import { insertDevice } from '../lib/db/devices.js';
import { migrate } from '../lib/db/migrate.js';
import { countPunches } from '../lib/db/punches.js';
import { pollDeviceOnce } from '../lib/devices/poll.js';
import { createLogger } from '../lib/logger.js';
import { ZkClient } from '../lib/zk/client/index.js';
import { DeviceSimulator } from '../lib/zk/simulator/index.js';
import { connectWorkers } from '../runtime/temporalConnection.js';
import { startWorkers } from '../worker/workers.js';
import { pollAllDevices } from '../workflows/index.js';
import { benchServices, peakRssMiB, report, startSimulators } from './support.js';

const ZONE = 'Africa/Nairobi';
const FLEET_DEVICES = Number(process.env.BENCH_FLEET_DEVICES ?? 100);
const FLEET_RECORDS = Number(process.env.BENCH_FLEET_RECORDS ?? 20_000);
const DEVICE_CONCURRENCY = process.env.BENCH_DEVICE_CONCURRENCY ?? '16';

async function fullLog(sql: Sql): Promise<void> {
  const config = parseConfig({ LOG_LEVEL: 'silent', DEVICE_REQUEST_TIMEOUT_MS: '30000' });
  const simulator = await DeviceSimulator.start({
    users: 500,
    punches: 100_000,
    // Room for the punches added between polls: a full log set to 'stop' would refuse them.
    recordCapacity: 200_000,
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
    const deps = {
      sql,
      config,
      logger: createLogger('silent'),
      connectDevice: (options: Parameters<typeof ZkClient.connect>[0]) => ZkClient.connect(options),
      now: () => new Date(),
      heartbeat: () => {},
    };
    const timed = async (attempt: number) => {
      const started = performance.now();
      const result = await pollDeviceOnce(deps, { deviceId: device.id, workflowId: null, attempt });
      return { result, seconds: (performance.now() - started) / 1000 };
    };
    const first = await timed(1);
    const repeat = await timed(2);
    const users = simulator.dump().users.map((u) => u.user_id);
    for (let i = 0; i < 100; i++) simulator.addPunch({ userId: users[i % users.length] });
    const grown = await timed(3);
    report({
      'full log: records read': first.result.fetched,
      'full log, first poll: punches stored': first.result.inserted,
      'full log, first poll: seconds end to end': first.seconds.toFixed(2),
      'full log, repeat poll (unchanged): stored': repeat.result.inserted,
      'full log, repeat poll (unchanged): seconds': repeat.seconds.toFixed(2),
      'full log, repeat poll (+100 punches): stored': grown.result.inserted,
      'full log, repeat poll (+100 punches): seconds': grown.seconds.toFixed(2),
      'full log: peak RSS MiB (with the simulator)': peakRssMiB(),
    });
  } finally {
    await simulator.close();
    await sql`update devices set enabled = false`;
  }
}

async function fleet(sql: Sql, temporalAddress: string): Promise<void> {
  const suffix = Math.random().toString(36).slice(2, 8);
  const config = parseConfig({
    LOG_LEVEL: 'silent',
    TEMPORAL_TASK_QUEUE: `bench-main-${suffix}`,
    DEVICE_TASK_QUEUE: `bench-devices-${suffix}`,
    CRM_TASK_QUEUE: `bench-crm-${suffix}`,
    DEVICE_ACTIVITY_CONCURRENCY: DEVICE_CONCURRENCY,
    DEVICE_REQUEST_TIMEOUT_MS: '60000',
  });
  const simulators = await startSimulators({
    devices: FLEET_DEVICES,
    users: 100,
    punches: FLEET_RECORDS,
    seed: 1000,
    timezone: ZONE,
    nodeFlags: ['--max-old-space-size=8192'],
  });
  const before = await countPunches(sql);
  for (let i = 0; i < FLEET_DEVICES; i++) {
    await insertDevice(sql, {
      name: `Site ${i}`,
      host: '127.0.0.1',
      port: simulators.basePort + i,
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
  const label = `${FLEET_DEVICES} x ${FLEET_RECORDS}`;
  try {
    const client = new Client({ connection });
    const round = async (name: string) => {
      const started = performance.now();
      const result = await client.workflow.execute(pollAllDevices, {
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        workflowId: `bench-poll-all-${suffix}-${name}`,
        args: [{ defaultTaskQueue: config.DEVICE_TASK_QUEUE, maxAttempts: 3 }],
      });
      const seconds = (performance.now() - started) / 1000;
      const fetched = result.devices.reduce((sum, d) => sum + d.fetched, 0);
      const inserted = result.devices.reduce((sum, d) => sum + d.inserted, 0);
      return { result, seconds, fetched, inserted };
    };
    const first = await round('first');
    const stored = (await countPunches(sql)) - before;
    const repeat = await round('repeat');
    report({
      [`${label}: device activities at once`]: config.DEVICE_ACTIVITY_CONCURRENCY,
      [`${label}, first poll: successful`]: `${first.result.successful} of ${first.result.totalDevices}`,
      [`${label}, first poll: records read / stored`]: `${first.fetched} / ${first.inserted}`,
      [`${label}, first poll: punches in the table`]: stored,
      [`${label}, first poll: seconds (Temporal)`]: first.seconds.toFixed(1),
      [`${label}, repeat poll: successful`]: `${repeat.result.successful} of ${repeat.result.totalDevices}`,
      [`${label}, repeat poll: records read / stored`]: `${repeat.fetched} / ${repeat.inserted}`,
      [`${label}, repeat poll: punches in the table`]: (await countPunches(sql)) - before,
      [`${label}, repeat poll: seconds (Temporal)`]: repeat.seconds.toFixed(1),
      [`${label}: peak RSS MiB (worker + benchmark)`]: peakRssMiB(),
    });
  } finally {
    await connection.close();
    await workers.shutdown();
    await workerConnection.close();
    await simulators.stop();
  }
}

const services = await benchServices({ temporal: true });
const sql = connect(services.databaseUrl);
try {
  await migrate(sql);
  await fullLog(sql);
  if (FLEET_DEVICES > 0) await fleet(sql, services.temporalAddress!);
} finally {
  await sql.end();
  await services.stop();
}
