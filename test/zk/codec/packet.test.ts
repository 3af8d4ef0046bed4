import fc from 'fast-check';
import { DeviceProtocolError } from '../../../lib/errors.js';
import {
  Cmd,
  checksum,
  commandName,
  decodePayload,
  encodeFrame,
  encodePayload,
  FrameReader,
  nextReplyNumber,
  type Packet,
} from '../../../lib/zk/codec/index.js';

const u16 = fc.integer({ min: 0, max: 0xffff });
const packetArb: fc.Arbitrary<Packet> = fc.record({
  command: u16,
  session: u16,
  reply: u16,
  data: fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
});

/** Splits `bytes` at the given sorted cut offsets. */
function cutAt(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const pieces: Buffer[] = [];
  let start = 0;
  for (const point of [...points, bytes.length]) {
    pieces.push(bytes.subarray(start, point));
    start = point;
  }
  return pieces;
}

describe('checksum', () => {
  it.each([
    ['CONNECT, no data', 'e803000000000000', 0xfc17],
    ['OPTIONS_RRQ "ZKFaceVersion\\0" (even length)', '0b005a17f38d03005a4b4661636556657273696f6e00', 0x175a],
    ['ACK_OK with one data byte (odd length)', 'd007296af38d0a0009', 0x6a29],
  ])('%s', (_name, hex, expected) => {
    expect(checksum(Buffer.from(hex, 'hex'))).toBe(expected);
  });

  it('ignores whatever the checksum field holds', () => {
    fc.assert(
      fc.property(packetArb, u16, (packet, junk) => {
        const payload = encodePayload(packet);
        const tampered = Buffer.from(payload);
        tampered.writeUInt16LE(junk, 2);
        expect(checksum(tampered)).toBe(checksum(payload));
      }),
    );
  });

  it('detects a changed byte outside the checksum field', () => {
    fc.assert(
      fc.property(packetArb, fc.nat(), fc.integer({ min: 1, max: 255 }), (packet, at, flip) => {
        const payload = encodePayload(packet);
        const offsets = [...payload.keys()].filter((i) => i !== 2 && i !== 3);
        const target = offsets[at % offsets.length];
        const changed = Buffer.from(payload);
        changed[target] ^= flip;
        // One's-complement sums cannot tell 0x0000 from 0xFFFF in a word: skip that one blind spot.
        const word = target & ~1;
        const before = payload[word] | ((payload[word + 1] ?? 0) << 8);
        const after = changed[word] | ((changed[word + 1] ?? 0) << 8);
        fc.pre(!((before === 0 && after === 0xffff) || (before === 0xffff && after === 0)));
        expect(decodePayload(changed).checksumValid).toBe(false);
      }),
    );
  });
});

describe('packets', () => {
  it('round-trip through the UDP and TCP forms with a valid checksum', () => {
    fc.assert(
      fc.property(packetArb, (packet) => {
        const decoded = decodePayload(encodePayload(packet));
        expect(decoded).toEqual({ ...packet, checksum: decoded.checksum, checksumValid: true });
        const frame = encodeFrame(packet);
        expect(frame.subarray(0, 4).toString('hex')).toBe('5050827d');
        expect(frame.readUInt32LE(4)).toBe(8 + packet.data.length);
        expect(new FrameReader().push(frame)).toEqual([encodePayload(packet)]);
      }),
    );
  });

  it('refuses a payload shorter than the header', () => {
    expect(() => decodePayload(Buffer.from('e80317fc0000', 'hex'))).toThrow(DeviceProtocolError);
  });

  it('names commands the way the captures do', () => {
    expect(commandName(Cmd.ACK_OK)).toBe('CMD_ACK_OK');
    expect(commandName(Cmd.DATA_WRRQ)).toBe('CMD_DATA_WRRQ');
    expect(commandName(Cmd.ENABLE_DEVICE)).toBe('CMD_ENABLEDEVICE');
    expect(commandName(Cmd.GET_USERTEMP)).toBe('CMD_GET_USERTEMP');
    expect(commandName(4242)).toBe('CMD_UNKNOWN_4242');
  });

  it('wraps reply numbers below 65535', () => {
    expect(nextReplyNumber(0)).toBe(1);
    expect(nextReplyNumber(65533)).toBe(65534);
    expect(nextReplyNumber(65534)).toBe(0);
  });
});

describe('FrameReader', () => {
  it('yields the same payloads for any fragmentation of a stream of frames', () => {
    fc.assert(
      fc.property(
        fc.array(packetArb, { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        (packets, cuts) => {
          const stream = Buffer.concat(packets.map(encodeFrame));
          const reader = new FrameReader();
          const payloads = cutAt(stream, cuts).flatMap((piece) => reader.push(piece));
          expect(payloads).toEqual(packets.map(encodePayload));
          expect(reader.bufferedBytes).toBe(0);
        },
      ),
    );
  });

  it('keeps a partial frame until the rest arrives, even inside the 8-byte prefix', () => {
    const frame = encodeFrame({ command: Cmd.ACK_OK, session: 7, reply: 3, data: Buffer.from('abc') });
    const reader = new FrameReader();
    expect(reader.push(frame.subarray(0, 3))).toEqual([]);
    expect(reader.push(frame.subarray(3, 10))).toEqual([]);
    expect(reader.bufferedBytes).toBe(10);
    expect(reader.push(frame.subarray(10))).toEqual([frame.subarray(8)]);
  });

  it.each([
    ['a wrong magic', Buffer.from('5050827e08000000e80317fc00000000', 'hex')],
    ['a wrong first byte, before 4 bytes are in', Buffer.from('41', 'hex')],
    ['a length below the header size', Buffer.from('5050827d04000000d0070000', 'hex')],
    ['a length above the bound', Buffer.from('5050827d00001000', 'hex')],
  ])('drops the stream on %s', (_name, bytes) => {
    expect(() => new FrameReader({ maxPayloadBytes: 4096 }).push(bytes)).toThrow(DeviceProtocolError);
  });

  it('notices a bad magic in the frame that follows a good one', () => {
    const good = encodeFrame({ command: Cmd.ACK_OK, session: 1, reply: 1, data: Buffer.alloc(0) });
    expect(() => new FrameReader().push(Buffer.concat([good, Buffer.from('deadbeef', 'hex')]))).toThrow(
      /frame magic/,
    );
  });
});
