import {
  Cmd,
  commandName,
  decodeAttendanceRecords,
  decodeBufferedReadReply,
  decodeDataWrrq,
  decodeEventAttLog,
  decodeFreeSizes,
  decodeOptionReply,
  decodeOptionRequest,
  decodePayload,
  decodePrepareData,
  decodeTime,
  decodeUsers,
  encodeAttendanceRecord,
  encodeFreeSizes,
  encodePayload,
  encodeUser,
  FrameReader,
  formatWallClock,
  makeCommKey,
  parseWallClock,
} from '../../../lib/zk/codec/index.js';
import {
  casesOf,
  freeSizesFromVector,
  hex,
  type PacketCase,
  userFromVector,
  type VectorUser,
  vectors,
} from '../../fixtures/zk-captures/vectors.js';

const packets = casesOf('packet');
const records = casesOf('record');
const conversations = casesOf('conversation');

/** The payload of a packet case, through the framer for TCP cases. */
function payloadOf(c: PacketCase): Buffer {
  if (c.transport !== 'tcp') return hex(c.hex);
  const reader = new FrameReader();
  const payloads = reader.push(hex(c.hex));
  expect(payloads).toHaveLength(1);
  expect(reader.bufferedBytes).toBe(0);
  return payloads[0];
}

const time = (text: string) => parseWallClock(text);

describe('vectors.json', () => {
  it('holds the 58 documented cases', () => {
    expect(vectors.schema).toBe('zk-captures/1');
    expect(vectors.cases).toHaveLength(58);
    expect(packets).toHaveLength(41);
    expect(records).toHaveLength(9);
    expect(conversations).toHaveLength(7);
  });
});

describe('captured packets', () => {
  it.each(packets.map((c) => [c.id, c] as const))('%s decodes to its expectation', (_id, c) => {
    const payload = payloadOf(c);
    const packet = decodePayload(payload);
    const e = c.expect;
    expect({
      command: packet.command,
      name: commandName(packet.command),
      checksum: packet.checksum,
      checksumValid: packet.checksumValid,
      session: packet.session,
      reply: packet.reply,
      dataLength: packet.data.length,
      dataHex: packet.data.toString('hex'),
    }).toEqual({
      command: e.command,
      name: e.name,
      checksum: e.checksum,
      checksumValid: e.checksumValid,
      session: e.session,
      reply: e.reply,
      dataLength: e.dataLength,
      dataHex: e.dataHex,
    });
    if (e.length !== undefined) expect(payload.length).toBe(e.length);
    // Our encoder writes the very same bytes.
    expect(encodePayload(packet).equals(payload)).toBe(true);
  });

  it.each(packets.filter((c) => c.expect.decoded).map((c) => [c.id, c] as const))(
    '%s carries the decoded fields',
    (_id, c) => {
      const packet = decodePayload(payloadOf(c));
      const d = c.expect.decoded as Record<string, never>;
      if ('sessionId' in d && !('commKey' in d)) expect(packet.session).toBe(d.sessionId);
      if ('commKey' in d) {
        expect(makeCommKey(d.commKey, d.sessionId, d.ticks).toString('hex')).toBe(d.authPayloadHex);
        expect(packet.data.toString('hex')).toBe(d.authPayloadHex);
      }
      if ('usersCap' in d) {
        const sizes = decodeFreeSizes(packet.data);
        expect(sizes).toEqual(freeSizesFromVector(d));
        expect(encodeFreeSizes(sizes).equals(packet.data)).toBe(true);
      }
      if ('innerCommand' in d) {
        expect(decodeDataWrrq(packet.data)).toEqual({
          flag: d.flag,
          command: d.innerCommand,
          fct: d.fct,
          ext: d.ext,
        });
      }
      if ('size2' in d) {
        expect(decodeBufferedReadReply(packet.data)).toEqual({ sizeBytes: d.size });
        expect(packet.data.readUInt32LE(5)).toBe(d.size2);
      }
      if ('chunkLength' in d) {
        expect(decodePrepareData(packet.data)).toEqual({ length: d.chunkLength, packetBytes: d.packetSize });
      }
      if ('subPacketIndex' in d) expect(packet.session).toBe(d.subPacketIndex);
      if ('state' in d && !('event' in d)) expect(packet.session).toBe(d.state);
      if ('key' in d) {
        if ('value' in d) expect(decodeOptionReply(packet.data)).toEqual({ key: d.key, value: d.value });
        else expect(decodeOptionRequest(packet.data)).toBe(d.key);
      }
      if ('event' in d) {
        expect(packet.command).toBe(Cmd.REG_EVENT);
        expect(packet.session).toBe(d.event);
        if ('score' in d) expect(packet.data[0]).toBe(d.score);
        if ('user_id' in d) {
          expect(decodeEventAttLog(packet.data)).toEqual({
            uid: null,
            userId: d.user_id,
            verifyType: d.verify,
            state: d.state,
            time: time(d.time),
          });
        }
      }
      if ('tzFlag' in d) {
        const [user] = decodeUsers(packet.data, 1);
        const expected = userFromVector(d as unknown as VectorUser);
        expect({ ...user, raw: undefined }).toEqual({ ...expected, raw: undefined });
        // The capture has a garbage byte after the password's NUL; ours writes zeros there.
        const reencoded = encodeUser(expected, 72);
        expect(reencoded.subarray(11).equals(packet.data.subarray(11))).toBe(true);
        expect(reencoded.subarray(0, 10).equals(packet.data.subarray(0, 10))).toBe(true);
      }
    },
  );

  it('keeps a truncated frame waiting for its missing bytes', () => {
    const truncated = packets.find((c) => c.sourceHex)!;
    const reader = new FrameReader();
    expect(reader.push(hex(truncated.sourceHex!))).toEqual([]);
    expect(reader.bufferedBytes).toBe(hex(truncated.sourceHex!).length);
  });
});

describe('captured records', () => {
  const byType = (type: string) =>
    records.filter((r) => r.recordType === type).map((r) => [r.id, r] as const);

  it.each(byType('attendance40'))('%s decodes as a 40-byte record', (_id, c) => {
    const [record] = decodeAttendanceRecords(hex(c.hex), 1);
    const e = c.expect as Record<string, never>;
    expect(record).toMatchObject({ uid: e.uid, userId: e.user_id, verifyType: e.verify, state: e.state });
    expect(formatWallClock(record.time)).toBe((e.time as string).replace(' ', 'T'));
    expect(record.raw.readUInt32LE(27)).toBe(e.timeRaw);
    expect(record.raw.subarray(32).toString('hex')).toBe(e.tailHex);
    expect(encodeAttendanceRecord(record, 40).equals(hex(c.hex))).toBe(true);
  });

  it.each(byType('attendance16'))('%s decodes as a 16-byte record', (_id, c) => {
    const [record] = decodeAttendanceRecords(hex(c.hex), 1);
    const e = c.expect as Record<string, never>;
    expect(record).toMatchObject({
      uid: null,
      userId: String(e.user_id),
      verifyType: e.verify,
      state: e.state,
    });
    expect(record.time).toEqual(time(e.time));
    expect(record.raw.readUInt32LE(4)).toBe(e.timeRaw);
    expect(record.raw.subarray(10, 12).toString('hex')).toBe(e.reservedHex);
    expect(record.raw.readUInt32LE(12)).toBe(e.workcode);
    expect(encodeAttendanceRecord(record, 16).equals(hex(c.hex))).toBe(true);
  });

  it('decodes the duplicated 16-byte record twice, byte for byte', () => {
    const dup = records.find((r) => r.id === 'js50-attendance-16-dup-1')!;
    const both = decodeAttendanceRecords(Buffer.concat([hex(dup.hex), hex(dup.hex)]), 2);
    expect(both[0]).toEqual(both[1]);
  });

  it.each(byType('oplog16'))('%s carries a second time vector', (_id, c) => {
    const e = c.expect as Record<string, never>;
    expect(hex(c.hex).readUInt32LE(4)).toBe(e.timeRaw);
    expect(decodeTime(e.timeRaw)).toEqual(time(e.time));
  });

  it.each(byType('user72'))('%s decodes as a 72-byte user', (_id, c) => {
    const [user] = decodeUsers(hex(c.hex), 1);
    expect({ ...user, raw: undefined }).toEqual({ ...userFromVector(c.expect as never), raw: undefined });
  });

  it.each([...byType('event12'), ...byType('event32')])('%s decodes as an attendance event', (_id, c) => {
    const packet = decodePayload(hex(c.hex));
    const e = c.expect as Record<string, never> & { decoded: Record<string, never> };
    expect(packet).toMatchObject({
      command: e.command,
      checksum: e.checksum,
      checksumValid: e.checksumValid,
      session: e.session,
      reply: e.reply,
    });
    expect(commandName(packet.command)).toBe(e.name);
    expect(packet.data.toString('hex')).toBe(e.dataHex);
    const d = e.decoded;
    expect(packet.session).toBe(d.event);
    expect(decodeEventAttLog(packet.data)).toMatchObject({
      userId: d.user_id,
      verifyType: d.verify ?? d.status,
      state: d.state ?? d.punch,
      time: time(d.time),
    });
  });
});

describe('comm keys', () => {
  const table = casesOf('commkey').flatMap((c) => c.vectors);

  it.each(table.map((v) => [v.commKey, v.sessionId, v.ticks, v.authPayloadHex, v] as const))(
    'key %i, session %i, ticks %i -> %s',
    (key, session, ticks, payload) => {
      const made = makeCommKey(key, session, ticks);
      expect(made.toString('hex')).toBe(payload);
      expect(made[2]).toBe(ticks & 0xff);
    },
  );

  it('defaults to 50 ticks', () => {
    expect(makeCommKey(12, 0x45cf).toString('hex')).toBe('614d323c');
  });
});

describe('captured segmentation', () => {
  it.each(conversations.map((c) => [c.id, c] as const))(
    '%s: the device chunks frame into the expected packets, in order',
    (_id, c) => {
      const reader = new FrameReader();
      const frames = c.events
        .flatMap((e) => (e.from === 'device' ? e.chunks : []))
        .flatMap((chunk) => reader.push(hex(chunk)))
        .map(decodePayload);
      expect(reader.bufferedBytes).toBe(0);
      expect(
        frames.map((f) => ({
          command: f.command,
          name: commandName(f.command),
          session: f.session,
          reply: f.reply,
          dataLength: f.data.length,
          checksumValid: f.checksumValid,
        })),
      ).toEqual(c.expectDeviceFrames);
    },
  );
});
