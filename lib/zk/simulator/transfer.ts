import { Cmd, DATA_PACKET_BYTES, encodePrepareData, type Packet } from '../codec/index.js';

const EMPTY = Buffer.alloc(0);

export interface TransferFraming {
  sessionId: number;
  /** Largest CMD_DATA; 0 = one CMD_DATA for the whole piece. */
  splitDataBytes: number;
}

/**
 * CMD_DATA packets carrying `bytes`. Splitting devices number the packets 0, 1, 2... in the
 * session field (captured: 5 x 1008 + 4 bytes); the others send one packet with the session id.
 */
export function dataPackets(bytes: Buffer, reply: number, framing: TransferFraming): Packet[] {
  if (framing.splitDataBytes === 0) {
    return [{ command: Cmd.DATA, session: framing.sessionId, reply, data: bytes }];
  }
  const packets: Packet[] = [];
  for (let offset = 0, index = 0; offset < bytes.length; offset += framing.splitDataBytes, index++) {
    const data = bytes.subarray(offset, offset + framing.splitDataBytes);
    packets.push({ command: Cmd.DATA, session: index & 0xffff, reply, data });
  }
  return packets;
}

/** PREPARE_DATA, the CMD_DATA packets and the closing ACK_OK, all echoing the request's reply number. */
export function chunkPackets(bytes: Buffer, reply: number, framing: TransferFraming): Packet[] {
  const packetBytes = framing.splitDataBytes > 0 ? framing.splitDataBytes : DATA_PACKET_BYTES;
  return [
    {
      command: Cmd.PREPARE_DATA,
      session: framing.sessionId,
      reply,
      data: encodePrepareData(bytes.length, packetBytes),
    },
    ...dataPackets(bytes, reply, framing),
    { command: Cmd.ACK_OK, session: framing.sessionId, reply, data: EMPTY },
  ];
}

/**
 * What a terminal that loses the connection mid-chunk got onto the wire: the frames of the first
 * half, then part of the next frame. The peer must treat the cut as a failed read.
 */
export function truncatedTransfer(frames: Buffer[]): Buffer[] {
  const whole = Math.max(1, Math.floor(frames.length / 2));
  const sent = frames.slice(0, whole);
  const next = frames[whole];
  if (next && next.length > 1) sent.push(next.subarray(0, Math.floor(next.length / 2)));
  return sent;
}
