import {
  CommKeyRefusedError,
  DeviceBusyError,
  DeviceProtocolError,
  DeviceTimeoutError,
  DeviceUnreachableError,
} from '../../../lib/errors.js';
import { type ZkClient as Client, ZkClient, type ZkClientOptions } from '../../../lib/zk/client/index.js';
import { type AttendanceRecord, Cmd, type DeviceUser, formatWallClock } from '../../../lib/zk/codec/index.js';
import {
  type DeviceDump,
  DeviceSimulator,
  generateLog,
  type SimulatorOptions,
  type WriteMode,
} from '../../../lib/zk/simulator/index.js';

const quiet = () => {};
const running: DeviceSimulator[] = [];

async function simulator(options: SimulatorOptions = {}): Promise<DeviceSimulator> {
  const started = await DeviceSimulator.start({ log: quiet, ...options });
  running.push(started);
  return started;
}

// Every test must leave the terminal usable: a client that forgets ENABLE locks people out.
afterEach(async () => {
  const stillEnabled = running.map((sim) => sim.enabled);
  await Promise.all(running.splice(0).map((sim) => sim.close()));
  expect(stillEnabled.every(Boolean)).toBe(true);
});

async function withClient<T>(
  sim: DeviceSimulator,
  use: (client: Client) => Promise<T>,
  options: Partial<ZkClientOptions> = {},
): Promise<T> {
  const client = await ZkClient.connect({
    host: sim.host,
    port: sim.port,
    requestTimeoutMs: 3000,
    ...options,
  });
  try {
    return await use(client);
  } finally {
    await client.close();
  }
}

type DumpPunch = DeviceDump['punches'][number];
const asDump = (r: AttendanceRecord): DumpPunch => ({
  user_id: r.userId,
  timestamp: formatWallClock(r.time),
  verify_type: r.verifyType,
  punch_state: r.state,
});
const userAsDump = (u: DeviceUser): DeviceDump['users'][number] => ({
  uid: u.uid,
  user_id: u.userId,
  name: u.name,
  privilege: u.privilege,
  card: u.cardNumber,
});

const paths: [string, SimulatorOptions, (sim: DeviceSimulator) => void][] = [
  [
    'inline (small log and user table in one CMD_DATA)',
    { users: 5, punches: 20 },
    (sim) => expect(sim.stats.commandCounts.CMD_DATA_RDY).toBeUndefined(),
  ],
  [
    'buffered, 1008-byte CMD_DATA packets',
    { punches: 3000 },
    (sim) => expect(sim.stats.chunksServed).toBe(3),
  ],
  [
    'buffered, one CMD_DATA per chunk',
    { punches: 3000, splitDataBytes: 0 },
    (sim) => expect(sim.stats.chunksServed).toBe(3),
  ],
  [
    'always buffered, even a tiny log',
    { users: 3, punches: 4, inlineThresholdBytes: 0 },
    (sim) => expect(sim.stats.chunksServed).toBe(2),
  ],
];

describe.each<WriteMode>(['separate', 'coalesced', 'fragmented'])('our client, %s writes', (writeMode) => {
  it.each(paths)('reads exactly the device log and users: %s', async (_, options, checkPath) => {
    const sim = await simulator({ writeMode, seed: writeMode, ...options });
    const progress: number[] = [];
    const { read, users } = await withClient(sim, async (client) => ({
      read: await client.readAttendance({ onProgress: (p) => progress.push(p.bytesRead) }),
      users: await client.readUsers(),
    }));
    const dump = sim.dump();
    expect(read.recordSize).toBe(40);
    expect(read.records.map(asDump)).toEqual(dump.punches);
    expect(read.records.map((r) => r.uid)).toEqual(
      dump.punches.map((p) => dump.users.find((u) => u.user_id === p.user_id)?.uid),
    );
    expect(users.map(userAsDump)).toEqual(dump.users);
    expect(read.freeSizes).toMatchObject({ records: dump.punches.length, users: dump.users.length });
    expect(progress.at(-1)).toBe(4 + 40 * dump.punches.length);
    expect(sim.stats).toMatchObject({
      checksumErrors: 0,
      sessionIdMismatches: 0,
      disableCount: 2,
      enableCount: 2,
    });
    checkPath(sim);
  });
});

describe('record layouts', () => {
  it('reads 49-byte records with every field', async () => {
    const sim = await simulator({ recordSize: 49, punches: 500, writeMode: 'fragmented' });
    const read = await withClient(sim, (client) => client.readAttendance());
    expect(read.recordSize).toBe(49);
    expect(read.records.map(asDump)).toEqual(sim.dump().punches);
  });

  it('reads 16-byte records: numeric user id, time, verify and state, no uid', async () => {
    const sim = await simulator({ recordSize: 16, punches: 500, writeMode: 'coalesced' });
    const read = await withClient(sim, (client) => client.readAttendance());
    expect(read.recordSize).toBe(16);
    expect(read.records.map(asDump)).toEqual(sim.dump().punches);
    expect(read.records.every((r) => r.uid === null)).toBe(true);
  });

  it('reads 8-byte records: only the uid identifies the user', async () => {
    const sim = await simulator({ recordSize: 8, punches: 500 });
    const read = await withClient(sim, (client) => client.readAttendance());
    const dump = sim.dump();
    const uidOf = new Map(dump.users.map((u) => [u.user_id, u.uid]));
    expect(read.recordSize).toBe(8);
    expect(read.records.map((r) => ({ ...asDump(r), user_id: r.uid }))).toEqual(
      dump.punches.map((p) => ({ ...p, user_id: uidOf.get(p.user_id) })),
    );
  });

  it('reads 28-byte users: what the narrow layout can hold', async () => {
    const initialLog = generateLog({ seed: 3, users: 60, punches: 100 });
    const sim = await simulator({ initialLog, userSize: 28, writeMode: 'fragmented' });
    const users = await withClient(sim, (client) => client.readUsers());
    expect(users).toHaveLength(60);
    expect(users.map((u) => ({ ...userAsDump(u), password: u.password }))).toEqual(
      initialLog.users.map((u) => ({
        ...userAsDump(u),
        name: u.name.slice(0, 8),
        password: u.password.slice(0, 5),
      })),
    );
    expect(sim.dump().users.map((u) => u.name)).toEqual(initialLog.users.map((u) => u.name));
  });

  it('reads 72-byte users with passwords and group', async () => {
    const initialLog = generateLog({ seed: 4, users: 30, punches: 10 });
    const sim = await simulator({ initialLog });
    const users = await withClient(sim, (client) => client.readUsers());
    expect(users.map(({ raw, timezoneFlag, timezones, ...user }) => user)).toEqual(initialLog.users);
  });
});

describe('comm key', () => {
  it('opens the session with the right key', async () => {
    const sim = await simulator({ commKey: 654321, punches: 50 });
    const read = await withClient(sim, (client) => client.readAttendance(), { commKey: 654321 });
    expect(read.records.map(asDump)).toEqual(sim.dump().punches);
    expect(sim.stats).toMatchObject({ sessionsOpened: 1, authFailures: 0 });
  });

  it('refuses a wrong key and closes the connection', async () => {
    const sim = await simulator({ commKey: 654321 });
    await expect(ZkClient.connect({ host: sim.host, port: sim.port, commKey: 123456 })).rejects.toThrow(
      CommKeyRefusedError,
    );
    expect(sim.stats).toMatchObject({ sessionsOpened: 0, authFailures: 1 });
  });

  it('refuses a client without a key', async () => {
    const sim = await simulator({ commKey: 12 });
    await expect(ZkClient.connect({ host: sim.host, port: sim.port })).rejects.toThrow(CommKeyRefusedError);
    expect(sim.stats.commandCounts.CMD_AUTH).toBeUndefined();
  });
});

describe('faults', () => {
  it('never answers DATA_WRRQ: the read times out and the device is enabled again', async () => {
    const sim = await simulator({ ignoreDataWrrq: true });
    await withClient(
      sim,
      async (client) => {
        await expect(client.readAttendance()).rejects.toThrow(DeviceTimeoutError);
        expect(sim.enabled).toBe(true);
      },
      { requestTimeoutMs: 300 },
    );
    expect(sim.stats).toMatchObject({ disableCount: 1, enableCount: 1 });
    expect(sim.stats.commandCounts.CMD_FREE_DATA).toBe(1);
  });

  it('drops the connection in the middle of chunk 2; the next connection reads everything', async () => {
    const sim = await simulator({ punches: 3000, dropAtChunk: { chunk: 2 } });
    await withClient(sim, (client) =>
      expect(client.readAttendance()).rejects.toThrow(DeviceUnreachableError),
    );
    expect(sim.stats).toMatchObject({ connectionsDropped: 1, chunksServed: 1 });
    // The dropped session could not re-enable the device; the next read disables and enables it.
    expect(sim.enabled).toBe(false);
    const read = await withClient(sim, (client) => client.readAttendance());
    expect(read.records.map(asDump)).toEqual(sim.dump().punches);
    expect(sim.stats.connectionsDropped).toBe(1);
  });

  it('drops as many connections as asked', async () => {
    const sim = await simulator({
      punches: 3000,
      dropAtChunk: { chunk: 1, times: 2 },
      writeMode: 'coalesced',
    });
    for (let attempt = 0; attempt < 2; attempt++) {
      await withClient(sim, (client) =>
        expect(client.readAttendance()).rejects.toThrow(DeviceUnreachableError),
      );
    }
    const read = await withClient(sim, (client) => client.readAttendance());
    expect(read.records).toHaveLength(3000);
    expect(sim.stats.connectionsDropped).toBe(2);
  });

  it('answers chosen commands with ACK_ERROR', async () => {
    const sim = await simulator({ ackErrorOn: [Cmd.DATA_WRRQ, Cmd.GET_TIME] });
    await withClient(sim, async (client) => {
      await expect(client.readAttendance()).rejects.toThrow(DeviceProtocolError);
      await expect(client.getTime()).rejects.toThrow(/CMD_ACK_ERROR/);
      expect(await client.freeSizes()).toMatchObject({ records: 1000 });
    });
  });

  it('refuses a second concurrent session when asked to', async () => {
    const sim = await simulator({ refuseSecondSession: true, punches: 100 });
    await withClient(sim, async (first) => {
      await expect(ZkClient.connect({ host: sim.host, port: sim.port })).rejects.toThrow(DeviceBusyError);
      expect((await first.readAttendance()).records).toHaveLength(100);
    });
    expect(sim.stats.connectionsRefused).toBe(1);
    // Once the first session is gone, a new one is served.
    await waitFor(() => sim.activeSessions === 0);
    await withClient(sim, async (client) => expect(await client.freeSizes()).toMatchObject({ records: 100 }));
  });

  it('serves two concurrent sessions by default', async () => {
    const sim = await simulator({ punches: 100 });
    await withClient(sim, (first) =>
      withClient(sim, async (second) => {
        expect(first.sessionId).not.toBe(second.sessionId);
        expect((await second.readAttendance()).records).toHaveLength(100);
        expect((await first.readAttendance()).records).toHaveLength(100);
      }),
    );
  });
});

describe('attendance log', () => {
  it('records no punches while a client has the device disabled', async () => {
    const sim = await simulator({ punches: 10 });
    const userId = sim.dump().users[0].user_id;
    await withClient(sim, (client) =>
      client.readAttendance({
        whileDisabled: async () => {
          expect(sim.enabled).toBe(false);
          expect(sim.addPunch({ userId })).toBe('refused-disabled');
        },
      }),
    );
    expect(sim.addPunch({ userId, time: '2024-05-06T08:01:02' })).toBe('recorded');
    expect(sim.dump().punches.at(-1)).toEqual({
      user_id: userId,
      timestamp: '2024-05-06T08:01:02',
      verify_type: 1,
      punch_state: 0,
    });
    expect(sim.stats.punchesRefused).toBe(1);
  });

  it('clears the log inside the disabled window when asked', async () => {
    const sim = await simulator({ punches: 200 });
    const read = await withClient(sim, (client) =>
      client.readAttendance({ whileDisabled: async () => ({ clearLog: true }) }),
    );
    expect(read).toMatchObject({ cleared: true });
    expect(read.records).toHaveLength(200);
    expect(sim.dump().punches).toEqual([]);
    const after = await withClient(sim, (client) => client.readAttendance());
    expect(after.records).toEqual([]);
    expect(after.freeSizes).toMatchObject({ records: 0, recordsAvailable: 100_000 });
  });

  it('clears the log at the menu: the next read holds only the punches recorded after the clear', async () => {
    const sim = await simulator({ punches: 50 });
    const userId = sim.dump().users[0].user_id;
    sim.clearLog();
    expect(sim.addPunch({ userId, time: '2030-01-02T08:00:00' })).toBe('recorded');
    const read = await withClient(sim, (client) => client.readAttendance());
    expect(read.records.map(asDump)).toEqual([
      { user_id: userId, timestamp: '2030-01-02T08:00:00', verify_type: 1, punch_state: 0 },
    ]);
    expect(read.freeSizes).toMatchObject({ records: 1 });
  });

  it('stops recording when the log is full (stop)', async () => {
    const sim = await simulator({ punches: 120, recordCapacity: 100 });
    const userId = sim.dump().users[0].user_id;
    const before = sim.dump().punches;
    expect(before).toHaveLength(100);
    expect(sim.addPunch({ userId })).toBe('refused-log-full');
    const read = await withClient(sim, (client) => client.readAttendance());
    expect(read.freeSizes).toMatchObject({ records: 100, recordCapacity: 100, recordsAvailable: 0 });
    expect(read.records.map(asDump)).toEqual(before);
  });

  it('deletes the oldest punches when the log is full (rollover)', async () => {
    const sim = await simulator({
      punches: 100,
      recordCapacity: 100,
      logFull: 'rollover',
      rolloverDeleteCount: 10,
    });
    const before = sim.dump().punches;
    const userId = before[0].user_id;
    expect(sim.addPunch({ userId, time: '2030-01-01T09:00:00', verifyType: 2, state: 255 })).toBe('recorded');
    const after = sim.dump().punches;
    expect(after).toHaveLength(91);
    expect(after.slice(0, 90)).toEqual(before.slice(10));
    const read = await withClient(sim, (client) => client.readAttendance());
    expect(read.records.map(asDump)).toEqual(after);
    expect(read.freeSizes).toMatchObject({ records: 91, recordsAvailable: 9 });
  });

  it('serves 20,000 punches in separate writes', async () => {
    const sim = await simulator({ punches: 20_000 });
    const read = await withClient(sim, (client) => client.readAttendance());
    expect(read.records.map(asDump)).toEqual(sim.dump().punches);
  });
});

describe('clock and identity', () => {
  // 2024-03-31 00:30:15 UTC: Madrid (UTC+1) is half an hour from switching to summer time.
  const now = () => Date.UTC(2024, 2, 31, 0, 30, 15);

  it('reads the device clock: true time in its zone plus the offset', async () => {
    const sim = await simulator({ timezone: 'Asia/Kolkata', clockOffsetSeconds: -90, now });
    const time = await withClient(sim, (client) => client.getTime());
    expect(formatWallClock(time)).toBe('2024-03-31T05:58:45');
  });

  it('sets the device clock: the offset moves, the zone stays', async () => {
    const sim = await simulator({ timezone: 'Europe/Madrid', clockOffsetSeconds: 500, now });
    await withClient(sim, async (client) => {
      expect(formatWallClock(await client.getTime())).toBe('2024-03-31T01:38:35');
      await client.setTime({ year: 2024, month: 3, day: 31, hour: 1, minute: 30, second: 15 });
      expect(formatWallClock(await client.getTime())).toBe('2024-03-31T01:30:15');
    });
    expect(sim.clockOffsetSeconds).toBe(0);
  });

  it('jumps back a day on its own: GET_TIME and the punches recorded after it show the moved clock', async () => {
    const sim = await simulator({ timezone: 'Europe/Madrid', punches: 5, now });
    const userId = sim.dump().users[0].user_id;
    sim.moveClock(-86_400);
    expect(sim.clockOffsetSeconds).toBe(-86_400);
    expect(formatWallClock(sim.deviceTime())).toBe('2024-03-30T01:30:15');
    expect(sim.addPunch({ userId })).toBe('recorded');
    const { time, read } = await withClient(sim, async (client) => ({
      time: await client.getTime(),
      read: await client.readAttendance(),
    }));
    expect(formatWallClock(time)).toBe('2024-03-30T01:30:15');
    expect(read.records.map(asDump).at(-1)).toMatchObject({
      user_id: userId,
      timestamp: '2024-03-30T01:30:15',
    });
    expect(() => sim.moveClock(Number.NaN)).toThrow(/number of seconds/);
  });

  it('reports the F18 identity', async () => {
    const sim = await simulator({ serialNumber: 'OIN7030057010209' });
    const identity = await withClient(sim, (client) => client.identity());
    expect(identity).toEqual({
      serialNumber: 'OIN7030057010209',
      platform: 'ZMM210_TFT',
      firmwareVersion: 'Ver 6.60 Apr 26 2016',
      deviceName: 'F18',
    });
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  // A hang guard only: the condition normally holds within a few event-loop turns.
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
}
