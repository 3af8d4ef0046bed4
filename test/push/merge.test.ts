import { randomBytes } from 'node:crypto';
import { insertDevice } from '../../lib/db/devices.js';
import { createLogger } from '../../lib/logger.js';
import { SimulatedPushDevice } from '../../lib/push/simulator/pushDevice.js';
import { ZkClient } from '../../lib/zk/client/index.js';
import type { DeviceUser, WallClock } from '../../lib/zk/codec/index.js';
import { DeviceSimulator } from '../../lib/zk/simulator/index.js';
import { createPushApp } from '../../push/app.js';
import { type PushServer, servePush } from '../../push/server.js';
import type { RunningWorkers } from '../../worker/workers.js';
import { manualProcessStart, pollAllStart, type WorkflowStart } from '../../workflows/starts.js';
import { storedDays } from '../processing/fixtures.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { connectTestClient, startTestWorkers, testConfig } from '../support/temporal.js';

// A site with an old F18 at the entrance (polled over TCP) and a newer terminal at the back gate
// (pushing over HTTP), the same people enrolled on both: one daily record per person and day,
// clock-in from one device and clock-out from the other. Real TCP, HTTP, PostgreSQL and Temporal.
const ZONE = 'Africa/Nairobi';
const USERS = ['101', '102', '103', '104', '105'];
const DATES = ['2025-11-10', '2025-11-11', '2025-11-12'];

let db: TestDatabase;
let receiver: PushServer;
let workers: RunningWorkers;
let temporal: Awaited<ReturnType<typeof connectTestClient>>;
const config = testConfig({ TIME_ZONE: ZONE });
const simulators: DeviceSimulator[] = [];

const enrolled: DeviceUser[] = USERS.map((userId, index) => ({
  uid: index + 1,
  userId,
  name: `Worker ${userId}`,
  privilege: 0,
  password: '',
  cardNumber: 0,
  groupId: 1,
}));

function at(date: string, time: string): WallClock {
  const [year, month, day] = date.split('-').map(Number);
  const [hour, minute, second] = time.split(':').map(Number);
  return { year, month, day, hour, minute, second };
}

/** Who works which day: everyone, but 104 is off on the last day. */
const workdays = DATES.flatMap((date) =>
  USERS.map((userId, i) => ({ userId, date, i })).filter((w) => !(w.userId === '104' && w.date === DATES[2])),
);
/** Everyone arrives by the entrance, a minute apart. */
const arrivals = workdays.map(({ userId, date, i }) => ({
  userId,
  time: at(date, `08:0${i}:15`),
  verifyType: 1,
  state: 0,
}));
/** Everyone leaves by the back gate; 105 also comes back in by it after lunch on the first day. */
const departures = workdays
  .map(({ userId, date, i }) => ({ userId, time: at(date, `17:1${i}:40`), verifyType: 15, state: 1 }))
  .concat([{ userId: '105', time: at(DATES[0], '13:05:00'), verifyType: 15, state: 0 }]);

async function execute<W extends WorkflowStart>(start: W) {
  return temporal.client.workflow.execute(start.workflow, {
    taskQueue: start.taskQueue,
    workflowId: `${start.workflowId}-merge-${randomBytes(3).toString('hex')}`,
    args: start.args,
  });
}

beforeAll(async () => {
  db = await createTestDatabase();
  receiver = await servePush(
    createPushApp({
      sql: db.sql,
      logger: createLogger('silent'),
      config: {
        ADMS_MAX_BODY_BYTES: config.ADMS_MAX_BODY_BYTES,
        ADMS_RATE_LIMIT_PER_MINUTE: config.ADMS_RATE_LIMIT_PER_MINUTE,
        ADMS_POLL_INTERVAL_SECONDS: config.ADMS_POLL_INTERVAL_SECONDS,
        ADMS_TRUST_PROXY: false,
      },
      version: 'test',
    }),
    { host: '127.0.0.1', port: 0 },
  );
  workers = await startTestWorkers({
    config,
    deps: {
      sql: db.sql,
      config,
      logger: createLogger('silent'),
      connectDevice: (options) => ZkClient.connect(options),
      crm: null,
      now: () => new Date(),
    },
  });
  temporal = await connectTestClient();
}, 120_000);

afterAll(async () => {
  await workers?.shutdown();
  await temporal?.close();
  await receiver?.close();
  await Promise.all(simulators.map((s) => s.close()));
  await db?.drop();
});

test('a pull and a push device with the same users make one daily record per user and day', async () => {
  const entrance = await DeviceSimulator.start({
    port: 0,
    timezone: ZONE,
    serialNumber: 'ENTRANCE1',
    initialLog: { users: enrolled, punches: arrivals },
  });
  const gate = await DeviceSimulator.start({
    port: 0,
    timezone: ZONE,
    serialNumber: 'BACKGATE1',
    initialLog: { users: enrolled, punches: departures },
  });
  simulators.push(entrance, gate);
  const pull = await insertDevice(db.sql, {
    name: 'Entrance',
    host: entrance.host,
    port: entrance.port,
    commKey: 0,
    timezone: ZONE,
  });
  const push = await insertDevice(db.sql, {
    name: 'Back gate',
    transport: 'push',
    host: null,
    port: null,
    commKey: 0,
    timezone: ZONE,
    serialNumber: 'BACKGATE1',
  });

  const pushing = new SimulatedPushDevice({ url: receiver.url, serialNumber: 'BACKGATE1', source: gate });
  await pushing.round();
  expect(pushing.position).toBe(departures.length);
  // The poll takes the pull device only: the push device has sent its punches itself.
  const polled = await execute(pollAllStart(config, 'manual'));
  expect(polled).toMatchObject({ totalDevices: 1, successful: 1 });
  expect(polled.devices[0]).toMatchObject({ deviceId: pull.id, inserted: arrivals.length });
  const [{ stored }] = await db.sql<{ stored: number }[]>`
    select count(*)::int as stored from raw_punches where device_id = ${push.id} and source = 'push'`;
  expect(stored).toBe(departures.length);

  const processed = await execute(manualProcessStart(config));
  expect(processed).toMatchObject({ punchesProcessed: arrivals.length + departures.length, failed: 0 });

  const days = await storedDays(db.sql);
  expect(days.map((d) => `${d.userId} ${d.date}`)).toEqual(
    workdays.map((w) => `${w.userId} ${w.date}`).sort(),
  );
  for (const day of days) {
    const i = USERS.indexOf(day.userId);
    const extra = day.userId === '105' && day.date === DATES[0] ? 1 : 0;
    expect({ user: day.userId, date: day.date, ...pick(day) }).toEqual({
      user: day.userId,
      date: day.date,
      clockInLocal: `${day.date}T08:0${i}:15`,
      clockInDeviceId: pull.id,
      clockOutLocal: `${day.date}T17:1${i}:40`,
      clockOutDeviceId: push.id,
      punchCount: 2 + extra,
      deviceIds: [pull.id, push.id].sort((a, b) => a - b),
    });
  }

  // Pushed again (stamps lost) and polled again: nothing new, the records stay as they are.
  pushing.position = 0;
  await pushing.upload();
  expect((await execute(pollAllStart(config, 'manual'))).devices[0]).toMatchObject({ inserted: 0 });
  expect(await execute(manualProcessStart(config))).toMatchObject({ punchesProcessed: 0 });
  expect((await storedDays(db.sql)).map((d) => d.revision)).toEqual(days.map(() => 1));
});

function pick(day: Awaited<ReturnType<typeof storedDays>>[number]) {
  return {
    clockInLocal: day.clockInLocal,
    clockInDeviceId: day.clockInDeviceId,
    clockOutLocal: day.clockOutLocal,
    clockOutDeviceId: day.clockOutDeviceId,
    punchCount: day.punchCount,
    deviceIds: [...day.deviceIds].sort((a, b) => a - b),
  };
}
