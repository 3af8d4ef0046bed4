import { DeviceProtocolError } from '../../errors.js';

/** One protocol packet: the 8-byte header fields and the data after it. */
export interface Packet {
  command: number;
  session: number;
  reply: number;
  data: Buffer;
}

export interface DecodedPacket extends Packet {
  checksum: number;
  checksumValid: boolean;
}

export const HEADER_BYTES = 8;
export const FRAME_PREFIX_BYTES = 8;
export const FRAME_MAGIC = Buffer.from([0x50, 0x50, 0x82, 0x7d]);
/** Reply numbers run 0..65534 and wrap; 65535 is never used. */
export const REPLY_NUMBER_MODULUS = 65535;

/**
 * The standard one's-complement Internet checksum over the whole payload, with the checksum field
 * (bytes 2-3) taken as zero. pyzk and node-zklib compute it differently but their wire bytes carry
 * this value (PROTOCOL.md §3).
 */
export function checksum(payload: Buffer): number {
  let sum = 0;
  const evenLength = payload.length & ~1;
  for (let offset = 0; offset < evenLength; offset += 2) {
    if (offset !== 2) sum += payload[offset] | (payload[offset + 1] << 8);
  }
  if (payload.length & 1) sum += payload[payload.length - 1];
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** The UDP form: header + data, with a correct checksum. */
export function encodePayload(p: Packet): Buffer {
  const payload = Buffer.alloc(HEADER_BYTES + p.data.length);
  payload.writeUInt16LE(p.command, 0);
  payload.writeUInt16LE(p.session, 4);
  payload.writeUInt16LE(p.reply, 6);
  p.data.copy(payload, HEADER_BYTES);
  payload.writeUInt16LE(checksum(payload), 2);
  return payload;
}

/** The TCP form: magic + u32 payload length + payload. */
export function encodeFrame(p: Packet): Buffer {
  return wrapFrame(encodePayload(p));
}

/** Puts an already encoded payload into a TCP frame. */
export function wrapFrame(payload: Buffer): Buffer {
  const prefix = Buffer.alloc(FRAME_PREFIX_BYTES);
  FRAME_MAGIC.copy(prefix, 0);
  prefix.writeUInt32LE(payload.length, 4);
  return Buffer.concat([prefix, payload]);
}

export function decodePayload(payload: Buffer): DecodedPacket {
  if (payload.length < HEADER_BYTES) {
    throw new DeviceProtocolError(
      `a packet of ${payload.length} bytes is shorter than the ${HEADER_BYTES}-byte protocol header`,
    );
  }
  const stored = payload.readUInt16LE(2);
  return {
    command: payload.readUInt16LE(0),
    checksum: stored,
    checksumValid: stored === checksum(payload),
    session: payload.readUInt16LE(4),
    reply: payload.readUInt16LE(6),
    data: payload.subarray(HEADER_BYTES),
  };
}

/** The reply number that follows `reply`, wrapping below 65535. */
export function nextReplyNumber(reply: number): number {
  return (reply + 1) % REPLY_NUMBER_MODULUS;
}

/**
 * Cuts a TCP byte stream into payloads. A read may hold several frames, part of one, or the end of
 * one and the start of the next (even inside the 8-byte prefix), so bytes are buffered until a
 * whole frame is present.
 */
export class FrameReader {
  private readonly maxPayloadBytes: number;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Bytes needed before the next frame can be cut; avoids re-joining chunks of a large frame. */
  private neededBytes = FRAME_PREFIX_BYTES;

  constructor(options: { maxPayloadBytes?: number } = {}) {
    this.maxPayloadBytes = options.maxPayloadBytes ?? 1024 * 1024;
  }

  get bufferedBytes(): number {
    return this.pendingBytes;
  }

  push(chunk: Buffer): Buffer[] {
    if (chunk.length === 0) return [];
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    this.checkMagic();
    if (this.pendingBytes < this.neededBytes) return [];

    let buffer = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending);
    const payloads: Buffer[] = [];
    while (buffer.length >= FRAME_PREFIX_BYTES) {
      const payloadBytes = this.frameLength(buffer);
      if (buffer.length < FRAME_PREFIX_BYTES + payloadBytes) break;
      payloads.push(buffer.subarray(FRAME_PREFIX_BYTES, FRAME_PREFIX_BYTES + payloadBytes));
      buffer = buffer.subarray(FRAME_PREFIX_BYTES + payloadBytes);
    }
    this.pending = buffer.length > 0 ? [buffer] : [];
    this.pendingBytes = buffer.length;
    this.neededBytes =
      buffer.length >= FRAME_PREFIX_BYTES
        ? FRAME_PREFIX_BYTES + this.frameLength(buffer)
        : FRAME_PREFIX_BYTES;
    this.checkMagic();
    return payloads;
  }

  /** Fails as soon as the bytes that should be the magic differ, even before 8 bytes are in. */
  private checkMagic(): void {
    const first = this.pending[0];
    if (!first) return;
    const head = first.length >= 4 || this.pending.length === 1 ? first : Buffer.concat(this.pending);
    const compared = Math.min(4, head.length);
    for (let i = 0; i < compared; i++) {
      if (head[i] !== FRAME_MAGIC[i]) {
        throw new DeviceProtocolError(
          `stream does not start with the frame magic 50 50 82 7D (got ${head.subarray(0, compared).toString('hex')})`,
        );
      }
    }
  }

  private frameLength(buffer: Buffer): number {
    const payloadBytes = buffer.readUInt32LE(4);
    if (payloadBytes < 8) {
      throw new DeviceProtocolError(
        `frame declares ${payloadBytes} payload bytes, less than the 8-byte header`,
      );
    }
    if (payloadBytes > this.maxPayloadBytes) {
      throw new DeviceProtocolError(
        `frame declares ${payloadBytes} payload bytes, more than the ${this.maxPayloadBytes}-byte limit`,
      );
    }
    return payloadBytes;
  }
}
