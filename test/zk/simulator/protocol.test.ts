import { ConfigurationError } from '../../../lib/errors.js';
import {
  Cmd,
  DatasetFct,
  type DecodedPacket,
  decodeDataset,
  decodeEventAttLog,
  decodeFreeSizes,
  decodeTime,
  encodeDataRdy,
  encodeDataWrrq,
  encodeOption,
  encodeOptionRequest,
  encodePayload,
  encodeTime,
  formatWallClock,
  makeCommKey,
} from '../../../lib/zk/codec/index.js';
import { DeviceSimulator, type SimulatorOptions, startSimulators } from '../../../lib/zk/simulator/index.js';
import { RawPeer } from './rawPeer.js';

const running: DeviceSimulator[] = [];
const peers: RawPeer[] = [];
const logs: string[] = [];

async function simulator(options: SimulatorOptions = {}): Promise<DeviceSimulator> {
  const sim = await DeviceSimulator.start({
    log: (level, message) => logs.push(`${level} ${message}`),
    ...options,
  });
  running.push(sim);
  return sim;
}

async function peer(sim: DeviceSimulator): Promise<RawPeer> {
  const raw = await RawPeer.connect(sim);
  peers.push(raw);
  return raw;
}

afterEach(async () => {
  for (const raw of peers.splice(0)) raw.close();
  await Promise.all(running.splice(0).map((sim) => sim.close()));
  logs.length = 0;
});

const shape = (p: DecodedPacket) => ({
  command: p.command,
  session: p.session,
  reply: p.reply,
  length: p.data.length,
});

describe('session handshake', () => {
  it.each([0, 1, 65_534])('answers CONNECT with its session id and echoes reply number %i', async (reply) => {
    const sim = await simulator({ sessionId: 0x45cf });
    const raw = await peer(sim);
    const answer = await raw.request(Cmd.CONNECT, undefined, { reply });
    expect(shape(answer)).toEqual({ command: Cmd.ACK_OK, session: 0x45cf, reply, length: 0 });
    expect(answer.checksumValid).toBe(true);
  });

  it('gives each connection its own session id', async () => {
    const sim = await simulator();
    const ids = await Promise.all([1, 2, 3].map(async () => (await peer(sim)).open()));
    expect(new Set(ids).size).toBe(3);
    expect(ids.every((id) => id > 0 && id < 0xffff)).toBe(true);
  });

  it('accepts the captured AUTH payload for key 12 (session 0x45CF)', async () => {
    const sim = await simulator({ sessionId: 0x45cf, commKey: 12 });
    const raw = await peer(sim);
    const connect = await raw.request(Cmd.CONNECT);
    expect(shape(connect)).toMatchObject({ command: Cmd.ACK_UNAUTH, session: 0x45cf });
    expect((await raw.request(Cmd.GET_TIME, undefined, { session: 0x45cf, reply: 2 })).command).toBe(
      Cmd.ACK_UNAUTH,
    );
    const auth = await raw.request(Cmd.AUTH, Buffer.from('614d323c', 'hex'), { session: 0x45cf, reply: 3 });
    expect(shape(auth)).toEqual({ command: Cmd.ACK_OK, session: 0x45cf, reply: 3, length: 0 });
    expect((await raw.request(Cmd.GET_TIME, undefined, { session: 0x45cf, reply: 4 })).command).toBe(
      Cmd.ACK_OK,
    );
  });

  it('recomputes the key with the ticks the client chose', async () => {
    const sim = await simulator({ sessionId: 700, commKey: 999_999 });
    const raw = await peer(sim);
    await raw.request(Cmd.CONNECT);
    const auth = await raw.request(Cmd.AUTH, makeCommKey(999_999, 700, 173), { session: 700, reply: 2 });
    expect(auth.command).toBe(Cmd.ACK_OK);
  });

  it('answers a wrong key with ACK_UNAUTH and closes the connection', async () => {
    const sim = await simulator({ sessionId: 0x45cf, commKey: 45 });
    const raw = await peer(sim);
    await raw.request(Cmd.CONNECT);
    const auth = await raw.request(Cmd.AUTH, makeCommKey(12, 0x45cf), { session: 0x45cf, reply: 2 });
    expect(auth.command).toBe(Cmd.ACK_UNAUTH);
    await raw.closed;
    expect(sim.stats.authFailures).toBe(1);
  });

  it('answers requests before CONNECT with ACK_UNAUTH', async () => {
    const sim = await simulator();
    const raw = await peer(sim);
    expect((await raw.request(Cmd.DATA_WRRQ, encodeDataWrrq(Cmd.ATTLOG_RRQ, 0))).command).toBe(
      Cmd.ACK_UNAUTH,
    );
  });

  it('answers EXIT and ends the connection', async () => {
    const sim = await simulator();
    const raw = await peer(sim);
    const session = await raw.open();
    expect((await raw.request(Cmd.EXIT, undefined, { session, reply: 2 })).command).toBe(Cmd.ACK_OK);
    await raw.closed;
  });

  it('counts requests that carry the wrong session id', async () => {
    const sim = await simulator({ sessionId: 500 });
    const raw = await peer(sim);
    await raw.open();
    expect((await raw.request(Cmd.GET_VERSION, undefined, { session: 501, reply: 2 })).command).toBe(
      Cmd.ACK_OK,
    );
    expect(sim.stats.sessionIdMismatches).toBe(1);
  });
});

describe('requests the device validates', () => {
  it('logs and counts a request with a wrong checksum, and still answers it', async () => {
    const sim = await simulator({ sessionId: 9 });
    const raw = await peer(sim);
    await raw.open();
    const payload = encodePayload({ command: Cmd.GET_VERSION, session: 9, reply: 2, data: Buffer.alloc(0) });
    payload.writeUInt16LE(payload.readUInt16LE(2) ^ 0x0101, 2);
    const prefix = Buffer.from([0x50, 0x50, 0x82, 0x7d, payload.length, 0, 0, 0]);
    raw.socket.write(Buffer.concat([prefix, payload]));
    expect((await raw.take(1))[0].command).toBe(Cmd.ACK_OK);
    expect(sim.stats.checksumErrors).toBe(1);
    expect(logs.some((line) => line.startsWith('warn') && /checksum/.test(line))).toBe(true);
  });

  it('closes a connection that breaks the framing and keeps serving others', async () => {
    const sim = await simulator();
    const bad = await peer(sim);
    bad.socket.write(Buffer.from('GET / HTTP/1.1\r\n\r\n'));
    await bad.closed;
    expect(logs.some((line) => /unreadable bytes/.test(line))).toBe(true);
    const good = await peer(sim);
    expect(await good.open()).toBeGreaterThan(0);
  });
});

describe('simple commands', () => {
  async function session(options: SimulatorOptions = {}) {
    const sim = await simulator({ sessionId: 77, ...options });
    const raw = await peer(sim);
    await raw.open();
    let reply = 1;
    const ask = (command: number, data?: Buffer) =>
      raw.request(command, data, { session: 77, reply: ++reply });
    return { sim, raw, ask };
  }

  it('reports version, options, PIN width and state like an F18', async () => {
    const { ask } = await session({ serialNumber: 'OIN7030057010209' });
    const text = (p: DecodedPacket) => p.data.toString('latin1');
    expect(text(await ask(Cmd.GET_VERSION))).toBe('Ver 6.60 Apr 26 2016\0');
    expect(text(await ask(Cmd.OPTIONS_RRQ, encodeOptionRequest('~SerialNumber')))).toBe(
      '~SerialNumber=OIN7030057010209\0',
    );
    expect(text(await ask(Cmd.OPTIONS_RRQ, encodeOptionRequest('~Platform')))).toBe('~Platform=ZMM210_TFT\0');
    expect(text(await ask(Cmd.OPTIONS_RRQ, encodeOptionRequest('~DeviceName')))).toBe('~DeviceName=F18\0');
    expect(text(await ask(Cmd.OPTIONS_RRQ, encodeOptionRequest('MAC')))).toMatch(
      /^MAC=00:17:61(:[0-9a-f]{2}){3}\0$/,
    );
    expect((await ask(Cmd.OPTIONS_RRQ, encodeOptionRequest('~NoSuchOption'))).command).toBe(Cmd.ACK_ERROR);
    expect((await ask(Cmd.OPTIONS_WRQ, encodeOption('SDKBuild', '1'))).command).toBe(Cmd.ACK_OK);
    expect(text(await ask(Cmd.OPTIONS_RRQ, encodeOptionRequest('SDKBuild')))).toBe('SDKBuild=1\0');
    expect([...(await ask(Cmd.GET_PINWIDTH, Buffer.from(' P'))).data]).toEqual([9]);
    expect(shape(await ask(Cmd.STATE_RRQ))).toMatchObject({ command: Cmd.ACK_OK, session: 0 });
    expect((await ask(Cmd.REG_EVENT, Buffer.from([0, 0, 0, 0]))).command).toBe(Cmd.ACK_OK);
    expect((await ask(Cmd.REFRESHDATA)).command).toBe(Cmd.ACK_OK);
  });

  it.each([
    ['UNLOCK', Cmd.UNLOCK],
    ['an unheard-of command', 4321],
  ])('answers %s with ACK_UNKNOWN', async (_, command) => {
    const { ask } = await session();
    expect((await ask(command)).command).toBe(Cmd.ACK_UNKNOWN);
  });

  it('keeps GET_FREE_SIZES consistent with the log and users', async () => {
    const { sim, ask } = await session({ users: 20, punches: 300, recordCapacity: 1000 });
    const sizes = decodeFreeSizes((await ask(Cmd.GET_FREE_SIZES)).data);
    const dump = sim.dump();
    expect(sizes).toMatchObject({
      users: 20,
      records: 300,
      recordCapacity: 1000,
      recordsAvailable: 700,
      userCapacity: 5000,
      usersAvailable: 4980,
      admins: dump.users.filter((user) => (user.privilege & 0b1110) !== 0).length,
    });
    expect(sizes.admins).toBeGreaterThanOrEqual(1);
    expect(sizes.faces).toBeUndefined();
    expect(sizes.fingerprints + sizes.passwords).toBeLessThanOrEqual(dump.users.length);
    expect((await ask(Cmd.CLEAR_ATTLOG)).command).toBe(Cmd.ACK_OK);
    expect(decodeFreeSizes((await ask(Cmd.GET_FREE_SIZES)).data)).toMatchObject({
      records: 0,
      recordsAvailable: 1000,
    });
    expect((await ask(Cmd.CLEAR_DATA, Buffer.from([DatasetFct.USERS]))).command).toBe(Cmd.ACK_OK);
    expect(decodeFreeSizes((await ask(Cmd.GET_FREE_SIZES)).data)).toMatchObject({ users: 0, admins: 0 });
    expect(sim.dump()).toEqual({ users: [], punches: [] });
  });

  it('reads and sets the clock, refusing a date the device cannot hold', async () => {
    const now = () => Date.UTC(2025, 0, 15, 12, 0, 0);
    const { sim, ask } = await session({ timezone: 'America/New_York', clockOffsetSeconds: 30, now });
    expect(formatWallClock(decodeTime((await ask(Cmd.GET_TIME)).data.readUInt32LE(0)))).toBe(
      '2025-01-15T07:00:30',
    );
    const time = Buffer.alloc(4);
    time.writeUInt32LE(encodeTime({ year: 2025, month: 1, day: 15, hour: 8, minute: 0, second: 0 }), 0);
    expect((await ask(Cmd.SET_TIME, time)).command).toBe(Cmd.ACK_OK);
    expect(sim.clockOffsetSeconds).toBe(3600);
    // Feb 31 exists in the device's 31-day-month arithmetic, not on a calendar.
    time.writeUInt32LE(encodeTime({ year: 2025, month: 2, day: 31, hour: 8, minute: 0, second: 0 }), 0);
    expect((await ask(Cmd.SET_TIME, time)).command).toBe(Cmd.ACK_ERROR);
    expect(sim.clockOffsetSeconds).toBe(3600);
  });

  it('stays disabled when the disabling session ends, unless told to re-enable', async () => {
    for (const enableOnDisconnect of [false, true]) {
      const { sim, raw, ask } = await session({ enableOnDisconnect });
      await ask(Cmd.DISABLE_DEVICE, Buffer.alloc(4));
      expect(sim.enabled).toBe(false);
      raw.close();
      await waitFor(() => sim.activeSessions === 0);
      expect(sim.enabled).toBe(enableOnDisconnect);
    }
  });
});

describe('bulk reads on the wire', () => {
  it('sends a 70-user table like the captured F18-class device: ACK_OK(13), PREPARE_DATA, 5 x 1008 + 4', async () => {
    // Frame shapes of zk-captures case conv-users-buffered-1008-split (pyzk fixture).
    const sim = await simulator({ sessionId: 15452, users: 70 });
    const raw = await peer(sim);
    await raw.open();
    const announce = await raw.request(Cmd.DATA_WRRQ, encodeDataWrrq(Cmd.USERTEMP_RRQ, DatasetFct.USERS), {
      session: 15452,
      reply: 21,
    });
    expect(shape(announce)).toEqual({ command: Cmd.ACK_OK, session: 15452, reply: 21, length: 13 });
    expect(announce.data.toString('hex')).toBe('00b4130000b413000000000000');
    raw.send(Cmd.DATA_RDY, encodeDataRdy(0, 5044), { session: 15452, reply: 22 });
    const frames = await raw.take(8);
    expect(frames.map(shape)).toEqual([
      { command: Cmd.PREPARE_DATA, session: 15452, reply: 22, length: 8 },
      ...[0, 1, 2, 3, 4].map((index) => ({ command: Cmd.DATA, session: index, reply: 22, length: 1008 })),
      { command: Cmd.DATA, session: 5, reply: 22, length: 4 },
      { command: Cmd.ACK_OK, session: 15452, reply: 22, length: 0 },
    ]);
    expect(frames[0].data.toString('hex')).toBe('b4130000f0030000');
    expect(frames.every((frame) => frame.checksumValid)).toBe(true);
    const dataset = Buffer.concat(frames.slice(1, 7).map((frame) => frame.data));
    expect(decodeDataset(dataset).totalBytes).toBe(5040);
    expect((await raw.request(Cmd.FREE_DATA, undefined, { session: 15452, reply: 23 })).command).toBe(
      Cmd.ACK_OK,
    );
  });

  it('sends datasets up to the inline threshold in one CMD_DATA, larger ones buffered', async () => {
    for (const [threshold, inline] of [
      [804, true],
      [803, false],
    ] as const) {
      const sim = await simulator({ punches: 20, inlineThresholdBytes: threshold });
      const raw = await peer(sim);
      const session = await raw.open();
      const answer = await raw.request(Cmd.DATA_WRRQ, encodeDataWrrq(Cmd.ATTLOG_RRQ, 0), {
        session,
        reply: 2,
      });
      expect(shape(answer)).toMatchObject(
        inline ? { command: Cmd.DATA, length: 804 } : { command: Cmd.ACK_OK, length: 13 },
      );
    }
  });

  it('answers DATA_RDY requests sent all at once, in order (node-zklib pipelines them)', async () => {
    const sim = await simulator({ punches: 3000, splitDataBytes: 0, writeMode: 'coalesced' });
    const raw = await peer(sim);
    const session = await raw.open();
    await raw.request(Cmd.DATA_WRRQ, encodeDataWrrq(Cmd.ATTLOG_RRQ, 0), { session, reply: 2 });
    raw.send(Cmd.DATA_RDY, encodeDataRdy(0, 0xffc0), { session, reply: 3 });
    raw.send(Cmd.DATA_RDY, encodeDataRdy(0xffc0, 120_004 - 0xffc0), { session, reply: 4 });
    const frames = await raw.take(6);
    expect(frames.map((f) => [f.command, f.reply, f.data.length])).toEqual([
      [Cmd.PREPARE_DATA, 3, 8],
      [Cmd.DATA, 3, 0xffc0],
      [Cmd.ACK_OK, 3, 0],
      [Cmd.PREPARE_DATA, 4, 8],
      [Cmd.DATA, 4, 120_004 - 0xffc0],
      [Cmd.ACK_OK, 4, 0],
    ]);
  });

  it('refuses DATA_RDY outside the prepared data, or after FREE_DATA', async () => {
    const sim = await simulator({ punches: 100 });
    const raw = await peer(sim);
    const session = await raw.open();
    let reply = 1;
    const ask = (command: number, data?: Buffer) => raw.request(command, data, { session, reply: ++reply });
    expect((await ask(Cmd.DATA_RDY, encodeDataRdy(0, 10))).command).toBe(Cmd.ACK_ERROR);
    await ask(Cmd.DATA_WRRQ, encodeDataWrrq(Cmd.ATTLOG_RRQ, 0));
    expect((await ask(Cmd.DATA_RDY, encodeDataRdy(4000, 5))).command).toBe(Cmd.ACK_ERROR);
    await ask(Cmd.FREE_DATA);
    expect((await ask(Cmd.DATA_RDY, encodeDataRdy(0, 10))).command).toBe(Cmd.ACK_ERROR);
    expect((await ask(Cmd.DATA_WRRQ, encodeDataWrrq(Cmd.USERTEMP_RRQ, DatasetFct.TEMPLATES))).command).toBe(
      Cmd.ACK_ERROR,
    );
  });

  it('serves the legacy ATTLOG_RRQ directly with PREPARE_DATA, CMD_DATA and ACK_OK', async () => {
    const sim = await simulator({ punches: 30, splitDataBytes: 0 });
    const raw = await peer(sim);
    const session = await raw.open();
    raw.send(Cmd.ATTLOG_RRQ, undefined, { session, reply: 2 });
    const frames = await raw.take(3);
    expect(frames.map((f) => [f.command, f.data.length])).toEqual([
      [Cmd.PREPARE_DATA, 8],
      [Cmd.DATA, 1204],
      [Cmd.ACK_OK, 0],
    ]);
  });
});

describe('real-time events', () => {
  it('pushes EF_ATTLOG to a registered client and takes its ACK without answering', async () => {
    const sim = await simulator({ users: 3, punches: 0 });
    const raw = await peer(sim);
    const session = await raw.open();
    const userId = sim.dump().users[2].user_id;
    sim.addPunch({ userId, time: '2024-06-03T08:01:00', verifyType: 2, state: 0 });
    expect((await raw.request(Cmd.REG_EVENT, Buffer.from([1, 0, 0, 0]), { session, reply: 2 })).command).toBe(
      Cmd.ACK_OK,
    );
    sim.addPunch({ userId, time: '2024-06-03T08:02:00', verifyType: 1, state: 255 });
    const [event] = await raw.take(1);
    expect(shape(event)).toEqual({ command: Cmd.REG_EVENT, session: 1, reply: 0, length: 32 });
    expect(decodeEventAttLog(event.data)).toMatchObject({
      userId,
      verifyType: 1,
      state: 255,
      time: { year: 2024, month: 6, day: 3, hour: 8, minute: 2, second: 0 },
    });
    raw.send(Cmd.ACK_OK, undefined, { session, reply: 0 });
    expect((await raw.request(Cmd.GET_VERSION, undefined, { session, reply: 3 })).reply).toBe(3);
    expect(sim.stats).toMatchObject({ eventsSent: 1, eventAcks: 1 });
  });
});

describe('lifecycle', () => {
  it('close() ends every open connection', async () => {
    const sim = await simulator();
    const raws = [await peer(sim), await peer(sim)];
    await raws[0].open();
    await sim.close();
    await Promise.all(raws.map((raw) => raw.closed));
    await sim.close();
  });

  it('starts several devices on consecutive ports with their own data', async () => {
    const probe = await simulator();
    const basePort = probe.port;
    await probe.close();
    const sims = await startSimulators({ devices: 3, basePort, punches: 10, log: () => {} });
    running.push(...sims);
    expect(sims.map((sim) => sim.port)).toEqual([basePort, basePort + 1, basePort + 2]);
    expect(new Set(sims.map((sim) => JSON.stringify(sim.dump()))).size).toBe(3);
    expect(new Set(sims.map((sim) => sim.serialNumber)).size).toBe(3);
    const second = await DeviceSimulator.start({ seed: 2, punches: 10, log: () => {} });
    running.push(second);
    expect(sims[1].dump()).toEqual(second.dump());
  });

  it('reports a port in use as a configuration error and closes what it started', async () => {
    const taken = await simulator();
    const attempt = startSimulators({ devices: 2, basePort: taken.port - 1, log: () => {} });
    await expect(attempt).rejects.toThrow(ConfigurationError);
    await expect(attempt).rejects.toThrow(/already in use/);
    // The first device, started before the failure, no longer holds its port.
    expect((await simulator({ port: taken.port - 1 })).port).toBe(taken.port - 1);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  // A hang guard only: sessions end within a few event-loop turns of the socket closing.
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
}
