import { request as httpRequest } from 'node:http';
import { insertDevice } from '../../lib/db/devices.js';
import { listCommands, queueCommand } from '../../lib/db/pushCommands.js';
import { listUnregistered } from '../../lib/db/pushDevices.js';
import { createLogger } from '../../lib/logger.js';
import { adoptUnregistered } from '../../lib/push/adopt.js';
import { commandText } from '../../lib/push/commands.js';
import { SimulatedPushDevice } from '../../lib/push/simulator/pushDevice.js';
import { DeviceSimulator } from '../../lib/zk/simulator/index.js';
import { createPushApp } from '../../push/app.js';
import { type PushServer, servePush } from '../../push/server.js';
import { CuttingProxy } from '../support/cuttingProxy.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const ZONE = 'Africa/Nairobi';
let db: TestDatabase;
let receiver: PushServer;
const simulators: DeviceSimulator[] = [];

const config = {
  ADMS_MAX_BODY_BYTES: 256 * 1024,
  ADMS_RATE_LIMIT_PER_MINUTE: 100_000,
  ADMS_POLL_INTERVAL_SECONDS: 10,
  ADMS_TRUST_PROXY: false,
};

beforeAll(async () => {
  db = await createTestDatabase();
  const app = createPushApp({ sql: db.sql, logger: createLogger('silent'), config, version: 'test' });
  receiver = await servePush(app, { host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await Promise.all(simulators.map((s) => s.close()));
  await receiver?.close();
  await db.drop();
});

async function terminal(serialNumber: string, punches: number, seed: number): Promise<DeviceSimulator> {
  const simulator = await DeviceSimulator.start({
    port: 0,
    serialNumber,
    punches,
    users: 40,
    seed,
    timezone: ZONE,
  });
  simulators.push(simulator);
  return simulator;
}

async function pushDevice(
  serialNumber: string,
  extra: { pushKey?: string; allowedNetworks?: string[] } = {},
) {
  return insertDevice(db.sql, {
    name: `Push ${serialNumber}`,
    transport: 'push',
    host: null,
    port: null,
    commKey: 0,
    timezone: ZONE,
    serialNumber,
    pushKey: extra.pushKey ?? null,
    pushAllowedNetworks: extra.allowedNetworks ?? null,
  });
}

/** What a device's log holds once identity collapses its byte-identical duplicates. */
function distinctPunches(simulator: DeviceSimulator): number {
  return new Set(simulator.dump().punches.map((p) => `${p.user_id}|${p.timestamp}`)).size;
}

async function storedPunches(deviceId: number): Promise<number> {
  const [row] = await db.sql<{ count: number }[]>`
    select count(*)::int as count from raw_punches where device_id = ${deviceId} and source = 'push'`;
  return row.count;
}

async function post(path: string, query: Record<string, string>, body?: string) {
  const response = await fetch(`${receiver.url}${path}?${new URLSearchParams(query)}`, {
    method: body === undefined ? 'GET' : 'POST',
    body,
  });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

/** The receiver answers 413 before the body is through; fetch reports the early close as an error. */
function rawPost(path: string, body: string): Promise<number> {
  const { hostname, port } = new URL(receiver.url);
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: hostname, port, path, method: 'POST' }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
    });
    request.setHeader('Content-Length', Buffer.byteLength(body));
    request.end(body);
  });
}

test('5 push devices x 20,000 punches arrive complete, once; a whole re-upload stores nothing', async () => {
  // 100,000 punches through real HTTP and PostgreSQL; on a shared two-core machine that can take minutes.
  const pairs = await Promise.all(
    [1, 2, 3, 4, 5].map(async (n) => {
      const serial = `BULK${n}`;
      const [device, simulator] = await Promise.all([pushDevice(serial), terminal(serial, 20_000, n)]);
      return {
        device,
        simulator,
        push: new SimulatedPushDevice({ url: receiver.url, serialNumber: serial, source: simulator }),
      };
    }),
  );
  await Promise.all(pairs.map((p) => p.push.round()));
  for (const { device, simulator, push } of pairs) {
    expect(push.position).toBe(20_000);
    expect(await storedPunches(device.id)).toBe(distinctPunches(simulator));
  }
  const [stamp] = await db.sql<{ stamp: string }[]>`
    select stamp from push_stamps where device_id = ${pairs[0].device.id} and table_name = 'ATTLOG'`;
  expect(stamp.stamp).toBe('20000');

  // A device whose stamps were lost (firmware reset) sends everything again.
  const again = pairs[0];
  again.push.position = 0;
  expect(await again.push.upload()).toBe(20_000);
  expect(await storedPunches(again.device.id)).toBe(distinctPunches(again.simulator));
}, 600_000);

test('an upload whose OK is lost after the commit is sent again and doubles nothing', async () => {
  const serial = 'LOSTOK1';
  const [device, simulator] = await Promise.all([pushDevice(serial), terminal(serial, 3000, 77)]);
  const { port } = new URL(receiver.url);
  const proxy = await CuttingProxy.start({ host: '127.0.0.1', port: Number(port) }, 2);
  try {
    const push = new SimulatedPushDevice({
      url: proxy.url,
      serialNumber: serial,
      source: simulator,
      batchSize: 500,
    });
    await push.round();
    expect(proxy.cutsMade).toBe(2);
    expect(push.stats.uploadFailures).toBe(2);
    expect(push.position).toBe(3000);
    // Each cut batch reached the receiver twice; identity kept one copy.
    expect(push.stats.uploads).toBe(6 + 2 - 2);
    expect(await storedPunches(device.id)).toBe(distinctPunches(simulator));
  } finally {
    await proxy.close();
  }
});

test('an unregistered serial is recorded and not ingested; once adopted its next upload is taken', async () => {
  const serial = 'STRANGER9';
  const simulator = await terminal(serial, 200, 9);
  const push = new SimulatedPushDevice({ url: receiver.url, serialNumber: serial, source: simulator });
  await expect(push.handshake()).rejects.toThrow(/403.*not registered/);
  const lines = simulator
    .dump()
    .punches.slice(0, 25)
    .map((p) => `${p.user_id}\t${p.timestamp}\t0\t1`)
    .join('\n');
  const refused = await post('/iclock/cdata', { SN: serial, table: 'ATTLOG', Stamp: '25' }, lines);
  expect(refused.status).toBe(403);
  const [seen] = (await listUnregistered(db.sql)).filter((u) => u.serialNumber === serial);
  expect(seen).toMatchObject({ serialNumber: serial, address: '127.0.0.1', requests: 2, recordCount: 25 });
  const [{ count }] = await db.sql<{ count: number }[]>`select count(*)::int as count from raw_punches`;

  const adopted = await adoptUnregistered(db.sql, serial, { timezone: ZONE });
  if (!adopted.ok) throw new Error(adopted.message);
  const { device } = adopted;
  expect(device).toMatchObject({ transport: 'push', serialNumber: serial, host: null });
  expect(await adoptUnregistered(db.sql, serial, { timezone: ZONE })).toMatchObject({
    ok: false,
    reason: 'registered',
  });
  expect((await listUnregistered(db.sql)).some((u) => u.serialNumber === serial)).toBe(false);
  const [{ count: before }] = await db.sql<
    { count: number }[]
  >`select count(*)::int as count from raw_punches`;
  expect(before).toBe(count);
  await push.round();
  expect(await storedPunches(device.id)).toBe(distinctPunches(simulator));
});

test('a command round trip: queued, delivered on getrequest, executed, its result stored', async () => {
  const serial = 'CMD1';
  const [device, simulator] = await Promise.all([pushDevice(serial), terminal(serial, 500, 5)]);
  const push = new SimulatedPushDevice({ url: receiver.url, serialNumber: serial, source: simulator });
  await push.round();
  const first = simulator.dump().punches[0].timestamp.replace('T', ' ');
  const info = await queueCommand(db.sql, device.id, commandText({ command: 'INFO' }));
  const query = await queueCommand(
    db.sql,
    device.id,
    commandText({ command: 'DATA QUERY ATTLOG', start_time: first, end_time: '2099-01-01 00:00:00' }),
  );
  const option = await queueCommand(
    db.sql,
    device.id,
    commandText({ command: 'SET OPTION', options: { Delay: '30' } }),
  );
  const stored = await storedPunches(device.id);
  expect(await push.pollCommands()).toBe(3);
  expect(await push.pollCommands()).toBe(0);
  const results = new Map(
    (await listCommands(db.sql, device.id, { limit: 10, timeoutMinutes: 60 })).map((c) => [c.id, c]),
  );
  expect(results.get(info.id)).toMatchObject({ status: 'done', returnCode: 0 });
  expect(results.get(info.id)?.result).toContain(`~SerialNumber=${serial}`);
  expect(results.get(query.id)).toMatchObject({ status: 'done', returnCode: 500 });
  expect(results.get(option.id)).toMatchObject({ status: 'done', returnCode: 0 });
  expect(push.options.get('Delay')).toBe('30');
  // The range came again and changed nothing.
  expect(await storedPunches(device.id)).toBe(stored);
});

test('the handshake gives stamps, the device zone and a Date header', async () => {
  const serial = 'HAND1';
  await pushDevice(serial);
  const answer = await post('/iclock/cdata', { SN: serial, options: 'all', pushver: '2.4.1' });
  expect(answer.status).toBe(200);
  expect(answer.headers.get('content-type')).toMatch(/^text\/plain/);
  expect(Math.abs(Date.parse(answer.headers.get('date') ?? '') - Date.now())).toBeLessThan(120_000);
  const lines = answer.text.split('\n');
  expect(lines[0]).toBe(`GET OPTION FROM: ${serial}`);
  expect(lines).toEqual(expect.arrayContaining(['ATTLOGStamp=0', 'TimeZone=3', 'Delay=10']));
  expect((await post('/iclock/ping', { SN: serial })).text).toBe('OK');
  expect((await post('/iclock/getrequest', { SN: serial })).text).toBe('OK');
});

test('malformed lines are counted and reported; the good lines of the same post are stored', async () => {
  const serial = 'MESSY1';
  const device = await pushDevice(serial);
  const body = [
    '101\t2025-11-11 08:01:02\t0\t1\t0\t0\t0',
    'garbage',
    '102\t2025-02-31 08:00:00\t0\t1',
    '103\t2025-11-11 08:05:00\t0\t1\t0\t0\t0',
    '10\u00004\t2025-11-11 08:06:00\t0\t1',
    '105\tnot a time\t0\t1',
  ].join('\r\n');
  const answer = await post('/iclock/cdata', { SN: serial, table: 'ATTLOG', Stamp: '9' }, body);
  expect(answer).toMatchObject({ status: 200, text: 'OK:6' });
  expect(await storedPunches(device.id)).toBe(2);
  const [row] = await db.sql<{ malformed: number }[]>`
    select push_malformed_lines::int as malformed from devices where id = ${device.id}`;
  expect(row.malformed).toBe(4);
});

test('oversized bodies, wrong push keys and foreign networks are refused and store nothing', async () => {
  const keyed = await pushDevice('KEYED1', { pushKey: 's3cret' });
  const fenced = await pushDevice('FENCED1', { allowedNetworks: ['10.20.0.0/16'] });
  const line = '7\t2025-11-11 08:00:00\t0\t1\n';
  const huge = line.repeat(Math.ceil((config.ADMS_MAX_BODY_BYTES + 1) / line.length));
  const big = await rawPost(`/iclock/cdata?SN=KEYED1&pushcommkey=s3cret&table=ATTLOG`, huge);
  expect(big).toBe(413);
  expect((await post('/iclock/cdata', { SN: 'KEYED1', table: 'ATTLOG' }, line)).status).toBe(401);
  expect(
    (await post('/iclock/cdata', { SN: 'KEYED1', pushcommkey: 'guess', table: 'ATTLOG' }, line)).status,
  ).toBe(401);
  expect((await post('/iclock/cdata', { SN: 'FENCED1', table: 'ATTLOG' }, line)).status).toBe(403);
  expect(await storedPunches(keyed.id)).toBe(0);
  expect(await storedPunches(fenced.id)).toBe(0);
  const ok = await post('/iclock/cdata', { SN: 'KEYED1', pushcommkey: 's3cret', table: 'ATTLOG' }, line);
  expect(ok).toMatchObject({ status: 200, text: 'OK:1' });
  expect((await post('/iclock/cdata', { table: 'ATTLOG' }, line)).status).toBe(400);
});

test('a serial over its rate limit gets 429 with Retry-After; other serials go on', async () => {
  let clock = 0;
  const app = createPushApp({
    sql: db.sql,
    logger: createLogger('silent'),
    config: { ...config, ADMS_RATE_LIMIT_PER_MINUTE: 3 },
    version: 'test',
    now: () => new Date(clock),
  });
  await pushDevice('RATE1');
  const ask = (sn: string) => app.request(`/iclock/ping?SN=${sn}`);
  for (let i = 0; i < 3; i++) expect((await ask('RATE1')).status).toBe(200);
  const limited = await ask('RATE1');
  expect(limited.status).toBe(429);
  expect(limited.headers.get('retry-after')).toBe('20');
  expect((await ask('OTHER1')).status).toBe(403);
  clock += 20_000;
  expect((await ask('RATE1')).status).toBe(200);
});
