import { run as devices } from '../../cli/commands/devices.js';
import { receiverUrl, type SimulateIo, run as simulate } from '../../cli/commands/simulate.js';
import { run as status } from '../../cli/commands/status.js';
import { insertDevice } from '../../lib/db/devices.js';
import { queueCommand } from '../../lib/db/pushCommands.js';
import { createLogger } from '../../lib/logger.js';
import { SimulatedPushDevice } from '../../lib/push/simulator/pushDevice.js';
import { ZkClient } from '../../lib/zk/client/index.js';
import { DeviceSimulator } from '../../lib/zk/simulator/index.js';
import { createPushApp } from '../../push/app.js';
import { type PushServer, servePush } from '../../push/server.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { testConfig } from '../support/temporal.js';
import { commandEnv, runCommand } from './support.js';

// The push devices' commands: `devices add/unregistered/adopt/command/commands` against real
// PostgreSQL, and `simulate --push` pushing over real HTTP to the real receiver.
const ZONE = 'Africa/Nairobi';
let db: TestDatabase;
let receiver: PushServer;
let config: ReturnType<typeof testConfig>;
const env = () => commandEnv(config, db.url);
const bridge = (...argv: string[]) => runCommand(devices, argv, env());

beforeAll(async () => {
  db = await createTestDatabase();
  config = testConfig({ TIME_ZONE: ZONE });
  const app = createPushApp({
    sql: db.sql,
    logger: createLogger('silent'),
    config: {
      ADMS_MAX_BODY_BYTES: 1024 * 1024,
      ADMS_RATE_LIMIT_PER_MINUTE: 0,
      ADMS_POLL_INTERVAL_SECONDS: 1,
      ADMS_TRUST_PROXY: false,
    },
    version: 'test',
  });
  receiver = await servePush(app, { host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await receiver?.close();
  await db?.drop();
});

async function storedPunches(deviceId: number): Promise<number> {
  const [row] = await db.sql<{ count: number }[]>`
    select count(*)::int as count from raw_punches where device_id = ${deviceId}`;
  return row.count;
}

const distinct = (simulator: DeviceSimulator) =>
  new Set(simulator.dump().punches.map((p) => `${p.user_id}|${p.timestamp}`)).size;

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

test('devices add registers a push device by serial number; its push key is never printed', async () => {
  const added = await bridge(
    'add',
    ...['--name', 'Gate', '--transport', 'push', '--serial-number', 'CLIPUSH1', '--timezone', ZONE],
    ...['--push-key', 'k3y-secret', '--allowed-networks', '127.0.0.0/8, 10.0.0.0/8'],
  );
  expect(added.code).toBe(0);
  expect(added.stdout).toMatch(/^Device \d+ "Gate" added \(push, serial CLIPUSH1, Africa\/Nairobi\)\./);
  expect(added.output).not.toContain('k3y-secret');
  const [row] = await db.sql<{ networks: string[]; key: string }[]>`
    select push_allowed_networks as networks, push_key as key from devices where serial_number = 'CLIPUSH1'`;
  expect(row).toEqual({ networks: ['127.0.0.0/8', '10.0.0.0/8'], key: 'k3y-secret' });

  const twin = await bridge('add', '--name', 'Twin', '--transport', 'push', '--serial-number', 'CLIPUSH1');
  expect(twin.code).toBe(1);
  expect(twin.stderr).toMatch(/device \d+ already has serial number CLIPUSH1/);
  const missing = await bridge('add', '--name', 'X', '--transport', 'push');
  expect(missing).toMatchObject({ code: 2, stderr: '--serial-number: is required for a push device\n' });
  const withHost = await bridge(
    'add',
    '--name',
    'X',
    '--transport',
    'push',
    '--serial-number',
    'S2',
    '--host',
    '10.1.1.1',
  );
  expect(withHost.code).toBe(2);
  expect(withHost.stderr).toContain('--host: a push device has no address');
});

test('an unregistered serial is listed, adopted with one command, and its next upload is taken', async () => {
  const terminal = await DeviceSimulator.start({ port: 0, punches: 300, users: 10, seed: 5, timezone: ZONE });
  try {
    const stranger = new SimulatedPushDevice({
      url: receiver.url,
      serialNumber: 'STRANGER7',
      source: terminal,
    });
    await expect(stranger.handshake()).rejects.toThrow(/403/);

    const listed = await bridge('unregistered');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(
      /^SERIAL\s+ADDRESS\s+FIRST SEEN\s+LAST SEEN\s+REQUESTS\s+RECORDS OFFERED$/m,
    );
    expect(listed.stdout).toMatch(/^STRANGER7\s+127\.0\.0\.1\s+.*\+03:00 \(.*ago\)\s+.*\s+1\s+0$/m);

    const adopted = await bridge('adopt', 'STRANGER7', '--name', 'Annex');
    expect(adopted.code).toBe(0);
    expect(adopted.stdout).toMatch(
      /^Device (\d+) "Annex" registered \(push, serial STRANGER7, Africa\/Nairobi\)/,
    );
    const id = Number(/^Device (\d+)/.exec(adopted.stdout)?.[1]);
    expect((await bridge('unregistered')).stdout).toBe('No unregistered push devices seen.\n');
    expect(await bridge('adopt', 'STRANGER7')).toMatchObject({ code: 1 });
    expect((await bridge('adopt', 'STRANGER7')).stderr).toContain(
      `device ${id} already has serial STRANGER7`,
    );
    const unknown = await bridge('adopt', 'NEVERSEEN');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No unregistered device with serial NEVERSEEN has been seen');
    expect((await bridge('adopt', 'bad serial!')).code).toBe(2);

    await stranger.round();
    expect(await storedPunches(id)).toBe(distinct(terminal));
  } finally {
    await terminal.close();
  }
});

test('commands are queued from the command line, executed by the device and listed with results', async () => {
  const terminal = await DeviceSimulator.start({ port: 0, punches: 200, users: 8, seed: 6, timezone: ZONE });
  try {
    const added = await bridge('add', '--name', 'Cmd', '--transport', 'push', '--serial-number', 'CLICMD1');
    const id = Number(/^Device (\d+)/.exec(added.stdout)?.[1]);
    const push = new SimulatedPushDevice({ url: receiver.url, serialNumber: 'CLICMD1', source: terminal });
    await push.round();

    const info = await bridge('command', String(id), 'INFO');
    expect(info.code).toBe(0);
    expect(info.stdout).toMatch(new RegExp(`^Command \\d+ queued for device ${id}: INFO\\.`));
    const first = terminal.dump().punches[0].timestamp.replace('T', ' ');
    const query = await bridge(
      'command',
      String(id),
      ...['DATA', 'QUERY', 'ATTLOG', '--start-time', first, '--end-time', '2099-01-01 00:00:00'],
    );
    expect(query.stdout).toContain(`DATA QUERY ATTLOG StartTime=${first} EndTime=2099-01-01 00:00:00`);
    const option = await bridge(
      'command',
      String(id),
      'set option',
      '--option',
      'Delay=30',
      '--option',
      'ErrorDelay=60',
    );
    expect(option.code).toBe(0);

    expect(await bridge('command', String(id), 'FORMAT')).toMatchObject({ code: 2 });
    const stray = await bridge('command', String(id), 'INFO', '--start-time', first);
    expect(stray.code).toBe(2);
    expect(stray.stderr).toContain('--start-time does not apply to INFO');
    const badTime = await bridge(
      'command',
      String(id),
      'DATA QUERY ATTLOG',
      '--start-time',
      'yesterday',
      '--end-time',
      first,
    );
    expect(badTime.stderr).toContain('--start-time: must be a device time as YYYY-MM-DD HH:MM:SS');
    const pull = await insertDevice(db.sql, {
      name: 'Pull',
      host: '10.9.9.9',
      port: 4370,
      commKey: 0,
      timezone: ZONE,
    });
    const refused = await bridge('command', String(pull.id), 'INFO');
    expect(refused).toMatchObject({
      code: 1,
      stderr: `Device ${pull.id} is a pull device; commands are for push devices\n`,
    });
    expect(await bridge('command', '999999', 'INFO')).toMatchObject({
      code: 1,
      stderr: 'No device 999999.\n',
    });

    const queued = await bridge('commands', String(id));
    expect(queued.stdout.match(/ queued /g)).toHaveLength(3);

    expect(await push.pollCommands()).toBe(3);
    const listed = await bridge('commands', String(id));
    expect(listed.code).toBe(0);
    const lines = listed.stdout.split('\n');
    expect(lines[0]).toMatch(/^ID\s+COMMAND\s+STATUS\s+QUEUED\s+SENT\s+ANSWERED\s+RETURN$/);
    expect(listed.stdout).toMatch(/SET OPTION Delay=30,ErrorDelay=60\s+done\s.*\s0 \(ok\)$/m);
    expect(listed.stdout).toMatch(/DATA QUERY ATTLOG .*\s+done\s.*\s200 \(ok\)$/m);
    expect(listed.stdout).toMatch(/INFO\s+done\s.*\s0 \(ok\)\n {4}~SerialNumber=CLICMD1\n {4}UserCount=8\n/);
    expect(push.options.get('ErrorDelay')).toBe('60');
  } finally {
    await terminal.close();
  }
});

/** Runs `attendance-bridge simulate` in-process until `whileRunning` is done. */
async function simulated(argv: string[], whileRunning: (sims: DeviceSimulator[]) => Promise<void>) {
  const out: string[] = [];
  let release: (signal: string) => void = () => {};
  const stopped = new Promise<string>((resolve) => {
    release = resolve;
  });
  let failure: unknown = null;
  const io: SimulateIo = {
    out: (line) => out.push(line),
    err: (line) => out.push(line),
    untilStopped: () => stopped,
    onStarted: (sims) => {
      whileRunning(sims)
        .catch((error) => {
          failure = error;
        })
        .finally(() => release('SIGTERM'));
    },
  };
  const code = await simulate(argv, io);
  if (failure) throw failure;
  return { code, out: out.join('\n') };
}

test('simulate --push: registered devices push their logs while they can still be polled over TCP', async () => {
  for (const n of [0, 1]) {
    await bridge(
      'add',
      '--name',
      `Sim ${n}`,
      '--transport',
      'push',
      '--serial-number',
      `SIMCLI${n}`,
      '--timezone',
      ZONE,
    );
  }
  const ids = (
    await db.sql<
      { id: number }[]
    >`select id from devices where serial_number like 'SIMCLI%' order by serial_number`
  ).map((row) => row.id);
  const argv = [
    ...['--port', '0', '--devices', '2', '--users', '6', '--punches', '700', '--seed', '11'],
    ...[
      '--timezone',
      ZONE,
      '--serial-prefix',
      'SIMCLI',
      '--push',
      `${receiver.url}/iclock/`,
      '--push-batch',
      '250',
    ],
  ];
  const result = await simulated(argv, async (sims) => {
    expect(sims.map((s) => s.serialNumber)).toEqual(['SIMCLI0', 'SIMCLI1']);
    await until(
      async () =>
        (await storedPunches(ids[0])) === distinct(sims[0]) &&
        (await storedPunches(ids[1])) === distinct(sims[1]),
      'both logs pushed',
    );
    // The same device, the same log, over TCP.
    const client = await ZkClient.connect({ host: sims[0].host, port: sims[0].port });
    try {
      expect((await client.readAttendance()).records).toHaveLength(700);
      expect((await client.identity()).serialNumber).toBe('SIMCLI0');
    } finally {
      await client.close();
    }
    // A command queued meanwhile is taken on the next round (the receiver asks for one a second).
    expect((await bridge('command', String(ids[1]), 'INFO')).code).toBe(0);
    await until(
      async () => (await bridge('commands', String(ids[1]))).stdout.includes('~SerialNumber=SIMCLI1'),
      'INFO answered',
    );
  });
  expect(result.code).toBe(0);
  expect(result.out).toContain(`pushing to ${receiver.url}/iclock/: uploads of up to 250 records`);
  expect(result.out).toContain('push SIMCLI0: 700 record(s) acknowledged, stamp 700');
  expect(result.out).toMatch(
    /push SIMCLI1: 700 record\(s\) acknowledged in 3 upload\(s\), 1 command\(s\) executed/,
  );
});

test('devices list and status show the transport, the serial and what push devices last did', async () => {
  const [sim] = await db.sql<{ id: number }[]>`select id from devices where serial_number = 'SIMCLI0'`;
  await queueCommand(db.sql, sim.id, 'CHECK');
  const listed = await bridge('list');
  expect(listed.code).toBe(0);
  const row = (text: string, name: string) => text.split('\n').find((line) => line.includes(name)) ?? '';
  expect(listed.stdout).toMatch(/^ID\s+NAME\s+TRANSPORT\s+ADDRESS\s+SERIAL\s+TIME ZONE\s+STATE\s+STATUS$/m);
  expect(row(listed.stdout, 'Sim 0')).toMatch(
    /push\s+from 127\.0\.0\.1\s+SIMCLI0\s+Africa\/Nairobi\s+enabled\s+last contact \S+\+03:00 \(.+ ago\), last upload \S+ \(.+ ago\), 1 command\(s\) pending$/,
  );
  expect(row(listed.stdout, 'Pull')).toMatch(
    /pull\s+10\.9\.9\.9:4370\s+\?\s+Africa\/Nairobi\s+enabled\s+never polled$/,
  );
  expect(listed.output).not.toContain('k3y-secret');

  const report = await runCommand(status, [], env());
  expect(report.code).toBe(0);
  expect(row(report.stdout, 'Sim 0')).toMatch(
    /push\s+from 127\.0\.0\.1\s+SIMCLI0\s+enabled\s+\S+ \(.+ ago\)\s+-\s+-\s+\?$/,
  );
  expect(report.stdout).toMatch(
    new RegExp(`^  push device ${sim.id}: last contact .*, 1 command\\(s\\) pending$`, 'm'),
  );
  expect(report.output).not.toContain('k3y-secret');
});

test('simulate --push says what is wrong with its options, and an unregistered device is logged once', async () => {
  const bad = await simulated(['--port', '0', '--push', 'ftp://x'], async () => {});
  expect(bad.code).toBe(2);
  expect(bad.out).toContain('--push must be an http:// or https:// URL without a query');
  expect((await simulated(['--port', '0', '--push-batch', '5'], async () => {})).out).toContain(
    '--push-batch applies with --push URL only',
  );
  expect((await simulated(['--port', '0', '--serial-prefix', 'a b'], async () => {})).code).toBe(2);
  expect(receiverUrl('http://127.0.0.1:8081/iclock/')).toBe('http://127.0.0.1:8081');
  expect(receiverUrl('https://adms.example.com/bridge/')).toBe('https://adms.example.com/bridge');

  const unknown = await simulated(
    [
      '--port',
      '0',
      '--punches',
      '10',
      '--serial-prefix',
      'NOBODY',
      '--push',
      receiver.url,
      '--push-interval-seconds',
      '1',
    ],
    () =>
      until(async () => (await bridge('unregistered')).stdout.includes('NOBODY0'), 'the stranger seen').then(
        () => new Promise((resolve) => setTimeout(resolve, 2500)),
      ),
  );
  expect(unknown.code).toBe(0);
  const refusals = unknown.out
    .split('\n')
    .filter((line) => line.includes('push NOBODY0: handshake refused (403)'));
  expect(refusals).toHaveLength(1);
});
