import { DeviceProtocolError } from '../../errors.js';

/** Largest piece one DATA_RDY (1504) request may ask for (PROTOCOL.md §8). */
export const MAX_CHUNK_BYTES = 0xffc0;
/** CMD_DATA size of devices that split a chunk; PREPARE_DATA's second word in every capture. */
export const DATA_PACKET_BYTES = 1008;
export const DATA_WRRQ_BYTES = 11;
export const BUFFERED_READ_REPLY_BYTES = 13;

/** The 11-byte DATA_WRRQ (1503) request: 01 | command u16 | fct u32 | ext u32. */
export function encodeDataWrrq(command: number, fct: number, ext = 0): Buffer {
  const data = Buffer.alloc(DATA_WRRQ_BYTES);
  data[0] = 1;
  data.writeUInt16LE(command, 1);
  data.writeUInt32LE(fct, 3);
  data.writeUInt32LE(ext, 7);
  return data;
}

export function decodeDataWrrq(data: Buffer): { flag: number; command: number; fct: number; ext: number } {
  requireBytes(data, DATA_WRRQ_BYTES, 'DATA_WRRQ request');
  return {
    flag: data[0],
    command: data.readUInt16LE(1),
    fct: data.readUInt32LE(3),
    ext: data.readUInt32LE(7),
  };
}

/** The ACK_OK data announcing a buffered dataset: 00 | size u32 | size u32 | u32 of unknown use. */
export function encodeBufferedReadReply(sizeBytes: number, unknown = 0): Buffer {
  const data = Buffer.alloc(BUFFERED_READ_REPLY_BYTES);
  data.writeUInt32LE(sizeBytes, 1);
  data.writeUInt32LE(sizeBytes, 5);
  data.writeUInt32LE(unknown, 9);
  return data;
}

export function decodeBufferedReadReply(data: Buffer): { sizeBytes: number } {
  requireBytes(data, 5, 'buffered-read announcement');
  return { sizeBytes: data.readUInt32LE(1) };
}

/** DATA_RDY (1504) request: start u32 | length u32. */
export function encodeDataRdy(start: number, length: number): Buffer {
  const data = Buffer.alloc(8);
  data.writeUInt32LE(start, 0);
  data.writeUInt32LE(length, 4);
  return data;
}

export function decodeDataRdy(data: Buffer): { start: number; length: number } {
  requireBytes(data, 8, 'DATA_RDY request');
  return { start: data.readUInt32LE(0), length: data.readUInt32LE(4) };
}

/** PREPARE_DATA (1500): length u32 of the bytes about to follow | packet size u32. */
export function encodePrepareData(length: number, packetBytes = DATA_PACKET_BYTES): Buffer {
  const data = Buffer.alloc(8);
  data.writeUInt32LE(length, 0);
  data.writeUInt32LE(packetBytes, 4);
  return data;
}

export function decodePrepareData(data: Buffer): { length: number; packetBytes: number } {
  requireBytes(data, 4, 'PREPARE_DATA');
  return { length: data.readUInt32LE(0), packetBytes: data.length >= 8 ? data.readUInt32LE(4) : 0 };
}

/** The pieces a client asks for, one at a time, to read a buffered dataset of `sizeBytes`. */
export function planChunks(
  sizeBytes: number,
  maxChunkBytes = MAX_CHUNK_BYTES,
): { start: number; length: number }[] {
  const chunks: { start: number; length: number }[] = [];
  for (let start = 0; start < sizeBytes; start += maxChunkBytes) {
    chunks.push({ start, length: Math.min(maxChunkBytes, sizeBytes - start) });
  }
  return chunks;
}

/** A user or attendance dataset: u32 total | records, with total = the number of record bytes. */
export function encodeDataset(records: Buffer): Buffer {
  const prefix = Buffer.alloc(4);
  prefix.writeUInt32LE(records.length, 0);
  return Buffer.concat([prefix, records]);
}

export function decodeDataset(dataset: Buffer): { totalBytes: number; records: Buffer } {
  requireBytes(dataset, 4, 'dataset');
  const totalBytes = dataset.readUInt32LE(0);
  const records = dataset.subarray(4);
  if (totalBytes !== records.length) {
    throw new DeviceProtocolError(
      `dataset announces ${totalBytes} record bytes but carries ${records.length}`,
    );
  }
  return { totalBytes, records };
}

function requireBytes(data: Buffer, bytes: number, what: string): void {
  if (data.length < bytes) {
    throw new DeviceProtocolError(`${what} holds ${data.length} bytes; at least ${bytes} were expected`);
  }
}
