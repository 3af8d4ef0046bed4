import { ZkClient, type ZkClientOptions } from '../../../lib/zk/client/index.js';
import {
  type AttendanceRecord,
  type AttendanceRecordSize,
  Cmd,
  type DeviceUser,
  decodeEventAttLog,
  encodeAttendanceRecord,
  encodeEventAttLog,
  encodeUser,
  type UserRecordSize,
} from '../../../lib/zk/codec/index.js';
import { type LoopbackDevice, SESSION_ID, startLoopbackDevice } from './loopback.js';
import { type ScriptedF18Options, scriptedF18, type WriteMode } from './scriptedF18.js';

type Punch = Omit<AttendanceRecord, 'raw'>;

function punches(count: number, size: AttendanceRecordSize): Punch[] {
  return Array.from({ length: count }, (_, i) => ({
    uid: size === 16 ? null : (i % 50) + 1,
    userId: size === 8 ? String((i % 50) + 1) : size === 16 ? String(1000 + (i % 50)) : `10000000${i % 50}`,
    verifyType: i % 3 === 0 ? 2 : 1,
    state: i % 7 === 0 ? 255 : i % 2,
    time: {
      year: 2024,
      month: 1 + (i % 12),
      day: 1 + (i % 28),
      hour: i % 24,
      minute: i % 60,
      second: (i * 7) % 60,
    },
  }));
}

function users(count: number, size: UserRecordSize): DeviceUser[] {
  return Array.from({ length: count }, (_, i) => ({
    uid: i + 1,
    userId: size === 28 ? String(500 + i) : `EMP-${String(i).padStart(20, '0')}`,
    name: size === 28 ? `U${i}` : `Employee number ${i}`,
    privilege: i === 0 ? 14 : 0,
    password: '',
    cardNumber: 1000 + i,
    groupId: 1,
    timezones: size === 28 ? [0] : [0, 0, 0],
    ...(size === 72 ? { timezoneFlag: 0 } : {}),
  }));
}

const withoutRaw = <T extends { raw?: Buffer }>(items: T[]) => items.map(({ raw: _raw, ...rest }) => rest);

describe('ZkClient bulk reads against a scripted F18', () => {
  let device: LoopbackDevice | null = null;
  let client: ZkClient | null = null;

  afterEach(async () => {
    await client?.close();
    await device?.close();
    expect(device?.problems ?? []).toEqual([]);
    client = null;
    device = null;
  });

  async function open(options: ScriptedF18Options, clientOptions: Partial<ZkClientOptions> = {}) {
    const f18 = scriptedF18(options);
    device = await startLoopbackDevice(f18.handler);
    client = await ZkClient.connect({
      host: device.host,
      port: device.port,
      requestTimeoutMs: 2000,
      ...clientOptions,
    });
    return { f18, client, device };
  }

  const layouts: [WriteMode, AttendanceRecordSize, number, number][] = [
    ['separate', 40, 1008, 3000],
    ['coalesced', 40, 1008, 3000],
    ['fragmented', 40, 1008, 3000],
    ['fragmented', 40, 0, 3000],
    ['coalesced', 49, 0, 2000],
    ['fragmented', 16, 1008, 5000],
    ['separate', 8, 1008, 500],
  ];

  it.each(layouts)(
    'reads the whole log (%s writes, %i-byte records, split %i, %i records)',
    async (writeMode, size, split, count) => {
      const expected = punches(count, size);
      const progress: number[] = [];
      const { f18, client } = await open({
        writeMode,
        splitDataBytes: split,
        attendance: Buffer.concat(expected.map((p) => encodeAttendanceRecord(p, size))),
        attendanceCount: count,
      });
      const read = await client.readAttendance({ onProgress: (p) => progress.push(p.bytesRead) });
      expect(read.recordSize).toBe(size);
      expect(withoutRaw(read.records)).toEqual(expected);
      expect(read.freeSizes.records).toBe(count);
      expect(read.cleared).toBe(false);
      expect(progress.at(-1)).toBe(count * size + 4);
      expect(progress).toEqual([...progress].sort((a, b) => a - b));
      expect(f18.state).toMatchObject({ enabled: true, disables: 1, enables: 1, freed: 1, cleared: false });
    },
  );

  it('reads a log larger than one 0xFFC0 chunk with one DATA_RDY per chunk', async () => {
    const count = 4000; // 160,004 bytes: three chunks
    const expected = punches(count, 40);
    const { device, client } = await open({
      writeMode: 'coalesced',
      attendance: Buffer.concat(expected.map((p) => encodeAttendanceRecord(p, 40))),
      attendanceCount: count,
    });
    const read = await client.readAttendance();
    expect(withoutRaw(read.records)).toEqual(expected);
    const chunkRequests = device.links[0].requests.filter((r) => r.command === Cmd.DATA_RDY);
    expect(chunkRequests.map((r) => r.data.toString('hex'))).toEqual([
      '00000000c0ff0000',
      'c0ff0000c0ff0000',
      '80ff0100847100' + '00',
    ]);
  });

  it('takes a small log inline from the 1503 reply', async () => {
    const expected = punches(5, 40);
    const { device, client } = await open({
      inlineThresholdBytes: 1024,
      attendance: Buffer.concat(expected.map((p) => encodeAttendanceRecord(p, 40))),
      attendanceCount: 5,
    });
    const read = await client.readAttendance();
    expect(withoutRaw(read.records)).toEqual(expected);
    expect(device.links[0].requests.some((r) => r.command === Cmd.DATA_RDY)).toBe(false);
  });

  it('reads an empty log', async () => {
    const { f18, client } = await open({ attendanceCount: 0 });
    const read = await client.readAttendance();
    expect(read.records).toEqual([]);
    expect(f18.state.enabled).toBe(true);
  });

  it('clears the log inside the disabled window when the caller asks, then re-enables', async () => {
    const expected = punches(20, 40);
    const { f18, device, client } = await open({
      attendance: Buffer.concat(expected.map((p) => encodeAttendanceRecord(p, 40))),
      attendanceCount: 20,
    });
    let disabledDuringCallback: boolean | null = null;
    const read = await client.readAttendance({
      whileDisabled: async (r) => {
        disabledDuringCallback = !f18.state.enabled;
        expect(r.records).toHaveLength(20);
        return { clearLog: true };
      },
    });
    expect(disabledDuringCallback).toBe(true);
    expect(read.cleared).toBe(true);
    const commands = device.links[0].requests.map((r) => r.command);
    const clear = commands.indexOf(Cmd.CLEAR_ATTLOG);
    expect(commands.slice(clear, clear + 3)).toEqual([Cmd.CLEAR_ATTLOG, Cmd.REFRESHDATA, Cmd.ENABLE_DEVICE]);
    expect(f18.state.enabled).toBe(true);
  });

  it('re-enables the device when the caller fails inside the disabled window, and does not clear', async () => {
    const { f18, client } = await open({
      attendance: Buffer.concat(punches(3, 40).map((p) => encodeAttendanceRecord(p, 40))),
      attendanceCount: 3,
    });
    const failure = new Error('database down');
    await expect(client.readAttendance({ whileDisabled: async () => Promise.reject(failure) })).rejects.toBe(
      failure,
    );
    expect(f18.state).toMatchObject({ enabled: true, cleared: false, freed: 1 });
  });

  it.each([
    [72, 'fragmented', 0],
    [72, 'separate', 1024],
    [28, 'coalesced', 0],
  ] as const)('reads %i-byte users (%s, inline up to %i bytes)', async (size, writeMode, inline) => {
    const expected = users(70, size);
    const { f18, client } = await open({
      writeMode,
      inlineThresholdBytes: inline,
      users: Buffer.concat(expected.map((u) => encodeUser(u, size))),
      userCount: 70,
    });
    const table = await client.readUserTable();
    expect(table.recordSize).toBe(size);
    expect(withoutRaw(table.users)).toEqual(expected);
    expect(f18.state.enabled).toBe(true);
  });

  it('acknowledges an event pushed between the packets of a chunk and hands it over', async () => {
    const time = { year: 2024, month: 5, day: 6, hour: 7, minute: 8, second: 9 };
    const event = encodeEventAttLog({ userId: '4711', verifyType: 1, state: 0, time }, 32);
    const seen: number[] = [];
    const expected = punches(100, 40);
    const { f18, client } = await open(
      {
        writeMode: 'coalesced',
        eventMidTransfer: event,
        attendance: Buffer.concat(expected.map((p) => encodeAttendanceRecord(p, 40))),
        attendanceCount: 100,
      },
      {
        onEvent: (e) => {
          seen.push(e.eventCode);
          expect(decodeEventAttLog(e.data).userId).toBe('4711');
        },
      },
    );
    const read = await client.readAttendance();
    expect(withoutRaw(read.records)).toEqual(expected);
    expect(seen).toEqual([1]);
    expect(f18.state.eventAcks).toBe(1);
  });

  it('goes on after a grace period when the closing ACK comes late, and drops it as stale', async () => {
    const warnings: string[] = [];
    const expected = punches(3000, 40);
    const { client } = await open(
      {
        lateClosingAck: true,
        attendance: Buffer.concat(expected.map((p) => encodeAttendanceRecord(p, 40))),
        attendanceCount: 3000,
      },
      { closingAckGraceMs: 20, onWarning: (m) => warnings.push(m) },
    );
    const read = await client.readAttendance();
    expect(withoutRaw(read.records)).toEqual(expected);
    expect(await client.getTime()).toEqual({ year: 2024, month: 3, day: 5, hour: 9, minute: 8, second: 7 });
    expect(warnings.some((w) => w.includes('stale CMD_ACK_OK'))).toBe(true);
  });

  it('answers the small commands', async () => {
    const { client } = await open({ commKey: 123456 }, { commKey: 123456 });
    expect(client.sessionId).toBe(SESSION_ID);
    expect(await client.identity()).toEqual({
      serialNumber: 'OIN7030067011800123',
      platform: 'ZMM210_TFT',
      firmwareVersion: 'Ver 6.60 Apr 26 2016',
      deviceName: 'F18/ID',
    });
    await client.setTime({ year: 2024, month: 2, day: 29, hour: 23, minute: 59, second: 58 });
    await client.registerEvents(1);
    expect((await client.freeSizes()).recordCapacity).toBe(100000);
  });

  it('runs concurrent calls one at a time, each with its own reply', async () => {
    const { device, client } = await open({ attendanceCount: 0 });
    const [time, sizes, identity] = await Promise.all([
      client.getTime(),
      client.freeSizes(),
      client.identity(),
    ]);
    expect(time.year).toBe(2024);
    expect(sizes.userCapacity).toBe(10000);
    expect(identity.platform).toBe('ZMM210_TFT');
    const replyNumbers = device.links[0].requests.map((r) => r.reply);
    expect(new Set(replyNumbers).size).toBe(replyNumbers.length);
  });

  it('closes idempotently and refuses calls afterwards', async () => {
    const { device, client } = await open({});
    await Promise.all([client.close(), client.close()]);
    await client.close();
    await device.links[0].closed;
    expect(device.links[0].requests.filter((r) => r.command === Cmd.EXIT)).toHaveLength(1);
    await expect(client.getTime()).rejects.toThrow(/is closed/);
  });
});
