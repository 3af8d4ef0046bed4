import { findLogMark } from '../../lib/db/logMarks.js';
import { insertPunchesByCopy, type NewPunch } from '../../lib/db/punches.js';
import { pollDeviceOnce } from '../../lib/devices/poll.js';
import type { DeviceSimulator, SimulatorOptions } from '../../lib/zk/simulator/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { testConfig } from '../support/temporal.js';
import { pollDeps, simulatedDevices } from './simulated.js';

// Repeat polls store only what the log gained; anything else stores the whole log again.
let db: TestDatabase;
const ZONE = 'Europe/Berlin';
const simulators = simulatedDevices({ timezone: ZONE, writeMode: 'coalesced' });
const config = testConfig();

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await simulators.close();
  await db.drop();
});

const deviceFor = (options: SimulatorOptions) => simulators.add(db.sql, options);

const poll = (deviceId: number) =>
  pollDeviceOnce(pollDeps(db.sql, config), { deviceId, workflowId: 'test', attempt: 1 });

/** The stored punches as `user|wall clock` keys, and the device's ground truth the same way. */
async function stored(deviceId: number): Promise<string[]> {
  const rows = await db.sql<{ key: string }[]>`
    select user_id || '|' || to_char(punched_at_local, 'YYYY-MM-DD"T"HH24:MI:SS') as key
    from raw_punches where device_id = ${deviceId} order by 1`;
  return rows.map((r) => r.key);
}
const truth = (simulator: DeviceSimulator, earlier: string[] = []) =>
  [...new Set([...earlier, ...simulator.dump().punches.map((p) => `${p.user_id}|${p.timestamp}`)])].sort();

async function lastRun(deviceId: number) {
  const [run] = await db.sql<{ storedFrom: number | null; fetched: number; inserted: number }[]>`
    select stored_from as "storedFrom", fetched, inserted from poll_runs
    where device_id = ${deviceId} order by id desc limit 1`;
  return run;
}

test('a repeat poll decodes and stores only the records the log gained', async () => {
  const { simulator, device } = await deviceFor({ seed: 21, users: 20, punches: 3000 });
  const first = await poll(device.id);
  expect(first).toMatchObject({ fetched: 3000 });
  expect(await lastRun(device.id)).toMatchObject({ storedFrom: 0, fetched: 3000 });
  expect(await stored(device.id)).toEqual(truth(simulator));

  const unchanged = await poll(device.id);
  expect(unchanged).toMatchObject({ status: 'succeeded', fetched: 3000, inserted: 0 });
  expect(await lastRun(device.id)).toMatchObject({ storedFrom: 3000, inserted: 0 });

  const users = simulator.dump().users.map((u) => u.user_id);
  for (const [i, userId] of users.slice(0, 5).entries()) {
    expect(simulator.addPunch({ userId, time: `2030-01-0${i + 1}T08:00:00` })).toBe('recorded');
  }
  const grown = await poll(device.id);
  expect(grown).toMatchObject({ fetched: 3005, inserted: 5 });
  expect(await lastRun(device.id)).toMatchObject({ storedFrom: 3000, inserted: 5 });
  expect(await stored(device.id)).toEqual(truth(simulator));
  expect((await findLogMark(db.sql, device.id))?.recordCount).toBe(3005);
});

test('a log cleared at the terminal and refilled is stored whole again, and nothing is lost', async () => {
  const { simulator, device } = await deviceFor({ seed: 22, users: 10, punches: 800 });
  await poll(device.id);
  const before = await stored(device.id);
  const userId = simulator.dump().users[0].user_id;
  simulator.clearLog();
  // Refilled past the old count, so only the bytes can tell the log was cleared.
  for (let i = 0; i < 900; i++) {
    const minute = String(i % 60).padStart(2, '0');
    const hour = String(Math.floor(i / 60) % 24).padStart(2, '0');
    simulator.addPunch({
      userId,
      time: `2031-02-${String(1 + Math.floor(i / 1440) + 1).padStart(2, '0')}T${hour}:${minute}:00`,
    });
  }
  const after = await poll(device.id);
  expect(after).toMatchObject({ fetched: 900, inserted: 900 });
  expect(await lastRun(device.id)).toMatchObject({ storedFrom: 0 });
  expect(await stored(device.id)).toEqual(truth(simulator, before));
});

test('a log rolled over (oldest records deleted when full) is stored whole again', async () => {
  const { simulator, device } = await deviceFor({
    seed: 23,
    users: 10,
    punches: 500,
    recordCapacity: 500,
    logFull: 'rollover',
    rolloverDeleteCount: 50,
  });
  await poll(device.id);
  const before = await stored(device.id);
  const userId = simulator.dump().users[1].user_id;
  for (let i = 0; i < 10; i++)
    simulator.addPunch({ userId, time: `2032-03-0${1 + (i % 9)}T1${i % 10}:00:00` });
  expect(simulator.recordCount).toBeLessThan(500);
  const after = await poll(device.id);
  expect(await lastRun(device.id)).toMatchObject({ storedFrom: 0 });
  expect(after.inserted).toBe(10);
  expect(await stored(device.id)).toEqual(truth(simulator, before));
});

test('COPY stores user ids holding the characters its text format reads specially', async () => {
  const { device } = await deviceFor({ seed: 24, users: 1, punches: 1 });
  const punch = (userId: string): NewPunch => ({
    deviceId: device.id,
    userId,
    punchedAtLocal: '2025-01-02T08:00:00',
    punchedAt: new Date('2025-01-02T07:00:00Z'),
    timezone: ZONE,
    timeResolution: 'exact',
    verifyType: 1,
    punchState: 0,
    source: 'import',
    pollRunId: null,
    clockOffsetSeconds: null,
  });
  const odd = ['a\tb', 'back\\slash', 'new\nline', 'cr\rx', '\\N', 'ünï'];
  const inserted = await db.sql.begin((tx) => insertPunchesByCopy(tx, [...odd, ...odd].map(punch)));
  expect(inserted).toBe(odd.length);
  const rows = await db.sql<{ userId: string }[]>`
    select user_id as "userId" from raw_punches where device_id = ${device.id} and source = 'import'`;
  expect(rows.map((r) => r.userId).sort()).toEqual([...odd].sort());
});
