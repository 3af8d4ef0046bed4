import { DeviceProtocolError } from '../../errors.js';
import {
  Cmd,
  commandName,
  type DecodedPacket,
  decodeBufferedReadReply,
  decodePrepareData,
  encodeDataRdy,
  encodeDataWrrq,
  planChunks,
} from '../codec/index.js';
import type { Exchange, ZkConnection } from './connection.js';

/** Far above the largest real log (100,000 records of 49 bytes); a bigger size is garbage. */
const MAX_DATASET_BYTES = 64 * 1024 * 1024;

export interface ReadProgress {
  bytesRead: number;
  totalBytes: number;
}

export interface TransferOptions {
  /** What the read is for, in words, for error messages ('reading the attendance log'). */
  doing: string;
  /** How long to wait for the ACK_OK that closes a chunk once all its bytes are in. */
  closingAckGraceMs: number;
  onProgress?: (progress: ReadProgress) => void;
}

/**
 * Reads a dataset through the device's buffer (PROTOCOL.md §8): DATA_WRRQ answered inline with
 * CMD_DATA, or with its size and then fetched in DATA_RDY chunks, one at a time.
 */
export async function readBufferedDataset(
  connection: ZkConnection,
  request: { command: number; fct: number; ext?: number },
  options: TransferOptions,
): Promise<Buffer> {
  const exchange = connection.send(
    Cmd.DATA_WRRQ,
    encodeDataWrrq(request.command, request.fct, request.ext),
    options.doing,
  );
  const reply = await exchange.next();
  if (reply.command === Cmd.DATA) {
    options.onProgress?.({ bytesRead: reply.data.length, totalBytes: reply.data.length });
    return reply.data;
  }
  if (reply.command === Cmd.PREPARE_DATA) {
    return receiveTransfer(connection, exchange, reply, undefined, options);
  }
  if (reply.command !== Cmd.ACK_OK) throw refused(connection, exchange, reply);
  if (reply.data.length < 5) {
    throw new DeviceProtocolError(
      `${connection.label} answered CMD_DATA_WRRQ with CMD_ACK_OK but no dataset size while ${options.doing}`,
    );
  }
  const { sizeBytes } = decodeBufferedReadReply(reply.data);
  if (sizeBytes > MAX_DATASET_BYTES) {
    throw new DeviceProtocolError(
      `${connection.label} announced a dataset of ${sizeBytes} bytes, more than any device log holds, ` +
        `while ${options.doing}`,
    );
  }
  const parts: Buffer[] = [];
  let bytesRead = 0;
  for (const chunk of planChunks(sizeBytes)) {
    const doing = `${options.doing} (bytes ${chunk.start}-${chunk.start + chunk.length - 1} of ${sizeBytes})`;
    const chunkExchange = connection.send(Cmd.DATA_RDY, encodeDataRdy(chunk.start, chunk.length), doing);
    const first = await chunkExchange.next();
    const base = bytesRead;
    const part = await receiveTransfer(connection, chunkExchange, first, chunk.length, {
      ...options,
      doing,
      onProgress:
        options.onProgress &&
        ((p) => options.onProgress?.({ bytesRead: base + p.bytesRead, totalBytes: sizeBytes })),
    });
    parts.push(part);
    bytesRead += part.length;
  }
  return Buffer.concat(parts, sizeBytes);
}

/**
 * The legacy path (ATTLOG_RRQ, USERTEMP_RRQ, GET_USERTEMP without 1503): the request itself is
 * answered with PREPARE_DATA + CMD_DATA + ACK_OK, or with one inline CMD_DATA.
 */
export async function readDirectDataset(
  connection: ZkConnection,
  command: number,
  data: Buffer,
  options: TransferOptions,
): Promise<Buffer> {
  const exchange = connection.send(command, data, options.doing);
  const first = await exchange.next();
  if (first.command === Cmd.DATA) {
    options.onProgress?.({ bytesRead: first.data.length, totalBytes: first.data.length });
    return first.data;
  }
  return receiveTransfer(connection, exchange, first, undefined, options);
}

/**
 * Collects one announced transfer: CMD_DATA packets (one, or several of at most 1008 bytes) until
 * exactly the announced length, then the closing ACK_OK. Some devices send that ACK late, so after
 * a short grace period the read goes on and the ACK is later dropped as stale.
 */
async function receiveTransfer(
  connection: ZkConnection,
  exchange: Exchange,
  first: DecodedPacket,
  expectedBytes: number | undefined,
  options: TransferOptions,
): Promise<Buffer> {
  let totalBytes: number;
  const parts: Buffer[] = [];
  let bytesRead = 0;
  if (first.command === Cmd.PREPARE_DATA) {
    totalBytes = decodePrepareData(first.data).length;
    if (expectedBytes !== undefined && totalBytes !== expectedBytes) {
      throw new DeviceProtocolError(
        `${connection.label} announced ${totalBytes} bytes for a chunk of ${expectedBytes} while ${exchange.doing}`,
      );
    }
  } else if (first.command === Cmd.DATA && expectedBytes !== undefined) {
    // Some firmware answers DATA_RDY with the data itself, without PREPARE_DATA.
    totalBytes = expectedBytes;
    parts.push(first.data);
    bytesRead = first.data.length;
    options.onProgress?.({ bytesRead: Math.min(bytesRead, totalBytes), totalBytes });
  } else {
    throw refused(connection, exchange, first);
  }
  while (bytesRead < totalBytes) {
    const packet = await exchange.next();
    if (packet.command !== Cmd.DATA) {
      throw new DeviceProtocolError(
        `${connection.label} ended the transfer with ${commandName(packet.command)} after ${bytesRead} of ` +
          `${totalBytes} bytes while ${exchange.doing}`,
      );
    }
    parts.push(packet.data);
    bytesRead += packet.data.length;
    options.onProgress?.({ bytesRead: Math.min(bytesRead, totalBytes), totalBytes });
  }
  if (bytesRead > totalBytes) {
    throw new DeviceProtocolError(
      `${connection.label} sent ${bytesRead} bytes where ${totalBytes} were announced while ${exchange.doing}`,
    );
  }
  if (totalBytes === 0) options.onProgress?.({ bytesRead: 0, totalBytes: 0 });
  const closing = await exchange.nextWithin(options.closingAckGraceMs);
  if (closing && closing.command !== Cmd.ACK_OK) {
    throw new DeviceProtocolError(
      `${connection.label} closed a transfer with ${commandName(closing.command)} instead of CMD_ACK_OK ` +
        `while ${exchange.doing}`,
    );
  }
  return Buffer.concat(parts, totalBytes);
}

/** The device answered a request with something other than what the protocol allows. */
export function refused(
  connection: ZkConnection,
  exchange: Exchange,
  reply: DecodedPacket,
): DeviceProtocolError {
  return new DeviceProtocolError(
    `${connection.label} answered ${commandName(exchange.command)} with ${commandName(reply.command)} ` +
      `while ${exchange.doing}`,
  );
}
