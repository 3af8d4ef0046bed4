/**
 * A minimal F18 behind a loopback socket, enough to drive the client's bulk reads through every
 * path: inline or buffered, one CMD_DATA or 1008-byte pieces, separate, coalesced or fragmented
 * writes, an event pushed mid-transfer, a late closing ACK.
 */
import {
  Cmd,
  type DecodedPacket,
  decodeDataRdy,
  decodeDataWrrq,
  encodeBufferedReadReply,
  encodeDataset,
  encodeFrame,
  encodeFreeSizes,
  encodeOption,
  encodePrepareData,
  encodeTime,
  type FreeSizes,
  isCommKeyValid,
  type WallClock,
} from '../../../lib/zk/codec/index.js';
import { type DeviceLink, fragment, type RequestHandler, SESSION_ID, seededRandom } from './loopback.js';

export type WriteMode = 'separate' | 'coalesced' | 'fragmented';

export interface ScriptedF18Options {
  attendance?: Buffer;
  attendanceCount?: number;
  users?: Buffer;
  userCount?: number;
  commKey?: number;
  writeMode?: WriteMode;
  /** Datasets up to this size come back inline with 1503. */
  inlineThresholdBytes?: number;
  /** 0 = the whole chunk in one CMD_DATA. */
  splitDataBytes?: number;
  /** Push an EF_ATTLOG event between the packets of every chunk. */
  eventMidTransfer?: Buffer;
  /** Hold back each chunk's closing ACK_OK until the client's next request. */
  lateClosingAck?: boolean;
  /** Commands answered with ACK_ERROR. */
  ackErrorOn?: number[];
  time?: WallClock;
}

export interface ScriptedF18 {
  handler: RequestHandler;
  state: {
    enabled: boolean;
    disables: number;
    enables: number;
    freed: number;
    cleared: boolean;
    eventAcks: number;
  };
}

export function scriptedF18(options: ScriptedF18Options): ScriptedF18 {
  const state = { enabled: true, disables: 0, enables: 0, freed: 0, cleared: false, eventAcks: 0 };
  const random = seededRandom(42);
  let attendance = options.attendance ?? Buffer.alloc(0);
  let buffer: Buffer | null = null;
  let heldAck: Buffer | null = null;

  const send = async (link: DeviceLink, frames: Buffer[]) => {
    switch (options.writeMode ?? 'separate') {
      case 'separate':
        return link.write(frames);
      case 'coalesced':
        return link.write([Buffer.concat(frames)]);
      case 'fragmented':
        return link.write(fragment(Buffer.concat(frames), random, 600), 0);
    }
  };

  const freeSizes = (): FreeSizes => ({
    users: options.userCount ?? 0,
    fingerprints: 0,
    records: state.cleared ? 0 : (options.attendanceCount ?? 0),
    opLogs: 0,
    admins: 0,
    passwords: 0,
    fingerprintCapacity: 3000,
    userCapacity: 10000,
    recordCapacity: 100000,
    fingerprintsAvailable: 3000,
    usersAvailable: 10000 - (options.userCount ?? 0),
    recordsAvailable: 100000 - (options.attendanceCount ?? 0),
  });

  const handler: RequestHandler = async (request: DecodedPacket, link: DeviceLink) => {
    const ok = (data?: Buffer) => send(link, [link.frame(request, Cmd.ACK_OK, data)]);
    if (request.command === Cmd.ACK_OK && request.reply === 0) {
      state.eventAcks++;
      return;
    }
    const late = heldAck;
    heldAck = null;
    if (late) await send(link, [late]);
    if (options.ackErrorOn?.includes(request.command)) {
      return send(link, [link.frame(request, Cmd.ACK_ERROR)]);
    }
    switch (request.command) {
      case Cmd.CONNECT:
        return send(link, [link.frame(request, options.commKey ? Cmd.ACK_UNAUTH : Cmd.ACK_OK)]);
      case Cmd.AUTH: {
        const valid = isCommKeyValid(request.data, options.commKey ?? 0, SESSION_ID);
        return send(link, [link.frame(request, valid ? Cmd.ACK_OK : Cmd.ACK_UNAUTH)]);
      }
      case Cmd.DISABLE_DEVICE:
        state.enabled = false;
        state.disables++;
        return ok();
      case Cmd.ENABLE_DEVICE:
        state.enabled = true;
        state.enables++;
        return ok();
      case Cmd.GET_FREE_SIZES:
        return ok(encodeFreeSizes(freeSizes()));
      case Cmd.DATA_WRRQ: {
        const { command } = decodeDataWrrq(request.data);
        const records = command === Cmd.ATTLOG_RRQ ? attendance : (options.users ?? Buffer.alloc(0));
        const dataset =
          records.length === 0 && command === Cmd.ATTLOG_RRQ ? Buffer.alloc(0) : encodeDataset(records);
        if (dataset.length <= (options.inlineThresholdBytes ?? 0) && dataset.length > 0) {
          return send(link, [link.frame(request, Cmd.DATA, dataset)]);
        }
        buffer = dataset;
        return ok(encodeBufferedReadReply(dataset.length));
      }
      case Cmd.DATA_RDY: {
        const { start, length } = decodeDataRdy(request.data);
        const bytes = (buffer ?? Buffer.alloc(0)).subarray(start, start + length);
        const frames = [link.frame(request, Cmd.PREPARE_DATA, encodePrepareData(bytes.length))];
        const split = options.splitDataBytes ?? 1008;
        const pieceBytes = split === 0 ? Math.max(bytes.length, 1) : split;
        for (let offset = 0, index = 0; offset < bytes.length; offset += pieceBytes, index++) {
          frames.push(
            link.frame(request, Cmd.DATA, bytes.subarray(offset, offset + pieceBytes), { session: index }),
          );
          if (index === 0 && options.eventMidTransfer) {
            frames.push(
              encodeFrame({ command: Cmd.REG_EVENT, session: 1, reply: 0, data: options.eventMidTransfer }),
            );
          }
        }
        const closing = link.frame(request, Cmd.ACK_OK);
        if (options.lateClosingAck) heldAck = closing;
        else frames.push(closing);
        return send(link, frames);
      }
      case Cmd.FREE_DATA:
        state.freed++;
        buffer = null;
        return ok();
      case Cmd.CLEAR_ATTLOG:
        state.cleared = true;
        attendance = Buffer.alloc(0);
        return ok();
      case Cmd.GET_TIME: {
        const data = Buffer.alloc(4);
        data.writeUInt32LE(
          encodeTime(options.time ?? { year: 2024, month: 3, day: 5, hour: 9, minute: 8, second: 7 }),
        );
        return ok(data);
      }
      case Cmd.OPTIONS_RRQ: {
        const key = request.data.toString('latin1').replace(/\0.*$/s, '');
        const values: Record<string, string> = {
          '~SerialNumber': 'OIN7030067011800123',
          '~Platform': 'ZMM210_TFT',
          '~DeviceName': 'F18/ID',
        };
        if (!(key in values)) return send(link, [link.frame(request, Cmd.ACK_ERROR)]);
        return ok(encodeOption(key, values[key]));
      }
      case Cmd.GET_VERSION:
        return ok(Buffer.from('Ver 6.60 Apr 26 2016\0', 'latin1'));
      case Cmd.EXIT:
        await ok();
        link.socket.end();
        return;
      case Cmd.SET_TIME:
      case Cmd.REFRESHDATA:
      case Cmd.REG_EVENT:
        return ok();
      default:
        return send(link, [link.frame(request, Cmd.ACK_UNKNOWN)]);
    }
  };
  return { handler, state };
}
