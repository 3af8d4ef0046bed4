import { run as deviceUsers } from '../../cli/commands/deviceUsers.js';
import { run as testDevice } from '../../cli/commands/testDevice.js';
import { insertDevice } from '../../lib/db/devices.js';
import { listDeviceUsers } from '../../lib/db/deviceUsers.js';
import { DeviceSimulator } from '../../lib/zk/simulator/index.js';
import { freePort } from '../../runtime/ports.js';
import { spawnBridge } from '../support/bridgeProcess.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { runCommand } from './support.js';

// Talks to simulated F18s over real TCP, directly (no Temporal), with a real PostgreSQL for stored devices.
const ZONE = 'Africa/Nairobi';
const COMM_KEY = 918273;
let db: TestDatabase;
let open: DeviceSimulator;
let keyed: DeviceSimulator;
const simulators: DeviceSimulator[] = [];
let ids: { open: number; keyed: number; wrongKey: number; offline: number };

const env = () => ({
  DATABASE_URL: db.url,
  TIME_ZONE: ZONE,
  DEVICE_CONNECT_TIMEOUT_MS: '1000',
  DEVICE_REQUEST_TIMEOUT_MS: '3000',
  LOG_LEVEL: 'silent',
});

beforeAll(async () => {
  db = await createTestDatabase();
  const start = async (options: Parameters<typeof DeviceSimulator.start>[0]) => {
    const simulator = await DeviceSimulator.start({ port: 0, timezone: ZONE, ...options });
    simulators.push(simulator);
    return simulator;
  };
  open = await start({
    seed: 31,
    users: 25,
    punches: 400,
    serialNumber: 'CLI0000001',
    firmwareVersion: 'Ver 6.60 Apr 28 2017',
    clockOffsetSeconds: 90,
  });
  keyed = await start({ seed: 32, users: 12, punches: 50, commKey: COMM_KEY, recordCapacity: 60 });
  const annex = await start({ seed: 33, users: 3, punches: 5, commKey: 343434 });
  const add = (name: string, port: number, commKey = 0) =>
    insertDevice(db.sql, { name, host: '127.0.0.1', port, commKey, timezone: ZONE }).then((d) => d.id);
  ids = {
    open: await add('Main Office', open.port),
    keyed: await add('Warehouse', keyed.port, COMM_KEY),
    wrongKey: await add('Annex', annex.port, 565656),
    offline: await add('Branch', await freePort()),
  };
}, 60_000);

afterAll(async () => {
  await Promise.all(simulators.map((s) => s.close()));
  await db?.drop();
});

test('--ip/--port connects and shows identity, counts against capacity and the clock offset', async () => {
  const result = await runCommand(testDevice, ['--ip', '127.0.0.1', '--port', String(open.port)], env());
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  expect(result.stdout).toContain(`127.0.0.1:${open.port}: connected`);
  expect(result.stdout).toMatch(/serial number:\s+CLI0000001/);
  expect(result.stdout).toMatch(/firmware:\s+Ver 6\.60 Apr 28 2017/);
  expect(result.stdout).toMatch(/users:\s+25 of \d+/);
  expect(result.stdout).toMatch(/records:\s+400 of 100000 \(0%\)/);
  // The simulator runs 90 s ahead in Nairobi time; the offset is measured against this computer.
  const offset = /\(Africa\/Nairobi\), (\d+) min (\d+) s ahead of this computer/.exec(result.stdout);
  expect(offset).not.toBeNull();
  expect(Math.abs(Number(offset?.[1]) * 60 + Number(offset?.[2]) - 90)).toBeLessThanOrEqual(2);
});

test('a closed port fails with the typed error, and exit code 1', async () => {
  const port = await freePort();
  const result = await runCommand(testDevice, ['--host', '127.0.0.1', '--port', String(port)], env());
  expect(result.code).toBe(1);
  expect(result.stderr).toContain(
    `127.0.0.1:${port}: FAILED: device 127.0.0.1:${port} refused the TCP connection`,
  );
});

test('--device-id uses the stored address and comm key, and never prints the key', async () => {
  const result = await runCommand(testDevice, ['--device-id', String(ids.keyed)], env());
  expect(result.code).toBe(0);
  expect(result.stdout).toContain(`device ${ids.keyed} "Warehouse" (127.0.0.1:${keyed.port}): connected`);
  // 50 of 60 records is past the 80% warning level.
  expect(result.stdout).toMatch(/records:\s+50 of 60 \(83%\): at or above LOG_CAPACITY_WARN_PERCENT/);
  expect(result.output).not.toContain(String(COMM_KEY));
});

test('--all tests every enabled device and exits 1 naming each failure', async () => {
  const result = await runCommand(testDevice, ['--all'], env());
  expect(result.code).toBe(1);
  expect(result.stdout).toContain(`device ${ids.open} "Main Office"`);
  expect(result.stdout).toContain(`device ${ids.keyed} "Warehouse"`);
  expect(result.stderr).toMatch(new RegExp(`device ${ids.wrongKey} "Annex" .*: FAILED: .*comm key`));
  expect(result.stderr).toMatch(new RegExp(`device ${ids.offline} "Branch" .*: FAILED: .*refused`));
  expect(result.stdout).toContain('2 of 4 devices answered.');
  for (const secret of [String(COMM_KEY), '565656', '343434']) expect(result.output).not.toContain(secret);
});

test('an unknown --device-id is a failure with a pointer to the ids', async () => {
  const result = await runCommand(testDevice, ['--device-id', '9999'], env());
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('Device 9999 does not exist');
});

test('device-users reads the users from the device with progress and stores them', async () => {
  const result = await runCommand(deviceUsers, ['--device-id', String(ids.open)], env());
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(/Reading users from device \d+ "Main Office" .*\[#+\] 100%/);
  expect(result.stdout).toContain(
    `device ${ids.open} "Main Office" (127.0.0.1:${open.port}): 25 users stored`,
  );
  const stored = await listDeviceUsers(db.sql, ids.open);
  expect(stored.map((u) => u.userId).sort()).toEqual(
    open
      .dump()
      .users.map((u) => u.user_id)
      .sort(),
  );
});

test('device-users --all stores what it can and exits 1 when a device fails', async () => {
  const result = await runCommand(deviceUsers, ['--all'], env());
  expect(result.code).toBe(1);
  expect(result.stdout).toContain(
    `device ${ids.keyed} "Warehouse" (127.0.0.1:${keyed.port}): 12 users stored`,
  );
  expect(result.stderr).toMatch(new RegExp(`device ${ids.offline} "Branch" .*: FAILED`));
  expect(await listDeviceUsers(db.sql, ids.keyed)).toHaveLength(12);
  expect(result.output).not.toContain(String(COMM_KEY));
});

test('as its own process, "bridge test-device" against a closed port exits 1 with the message', async () => {
  const port = await freePort();
  const bridge = spawnBridge(['test-device', '--ip', '127.0.0.1', '--port', String(port)], {
    LOG_LEVEL: 'silent',
    DEVICE_CONNECT_TIMEOUT_MS: '1000',
  });
  expect(await bridge.exited).toBe(1);
  expect(bridge.output()).toContain(`device 127.0.0.1:${port} refused the TCP connection`);
});
