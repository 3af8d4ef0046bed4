import {
  Cmd,
  DatasetFct,
  decodeTime,
  encodeFreeSizes,
  encodeOption,
  encodeTime,
  isValidWallClock,
  readTerminatedString,
} from '../codec/index.js';
import type { SimulatedDevice } from './device.js';
import type { ResolvedSimulatorOptions } from './options.js';

/** A one-packet answer; `session` defaults to the connection's session id. */
export interface Answer {
  command: number;
  data?: Buffer;
  session?: number;
  /** The terminal ends the connection after this answer (EXIT, RESTART, a refused key). */
  closeAfter?: boolean;
}

const ok = (data?: Buffer): Answer => ({ command: Cmd.ACK_OK, data });
const error = (): Answer => ({ command: Cmd.ACK_ERROR });

/** STATE_RRQ: the terminal sits at its idle screen. */
const DEVICE_STATE_IDLE = 0;

/**
 * Commands that only read or change the device, one request -> one answer. Session handling
 * (CONNECT, AUTH, DISABLE/ENABLE, bulk reads) lives in the session; undefined = not one of these.
 */
export function answerDeviceCommand(
  device: SimulatedDevice,
  options: ResolvedSimulatorOptions,
  command: number,
  data: Buffer,
): Answer | undefined {
  switch (command) {
    case Cmd.GET_FREE_SIZES:
      return ok(encodeFreeSizes(device.freeSizes()));
    case Cmd.GET_VERSION:
      return ok(Buffer.from(`${options.firmwareVersion}\0`, 'latin1'));
    case Cmd.OPTIONS_RRQ: {
      const key = readTerminatedString(data);
      const value = device.option(key);
      return value === undefined ? error() : ok(encodeOption(key, value));
    }
    case Cmd.OPTIONS_WRQ: {
      const text = readTerminatedString(data);
      const separator = text.indexOf('=');
      if (separator <= 0) return error();
      device.setOption(text.slice(0, separator), text.slice(separator + 1));
      return ok();
    }
    case Cmd.GET_PINWIDTH:
      return ok(Buffer.from([device.identity.pinWidth]));
    case Cmd.GET_TIME:
      return getTime(device);
    case Cmd.SET_TIME:
      return setTime(device, data);
    case Cmd.STATE_RRQ:
      return { command: Cmd.ACK_OK, session: DEVICE_STATE_IDLE };
    case Cmd.CLEAR_ATTLOG:
      device.clearAttendance();
      return ok();
    case Cmd.CLEAR_DATA:
      return clearData(device, data);
    case Cmd.REFRESHDATA:
    case Cmd.REFRESHOPTION:
      return ok();
    case Cmd.RESTART:
    case Cmd.POWEROFF:
      return { command: Cmd.ACK_OK, closeAfter: true };
    default:
      return undefined;
  }
}

function getTime(device: SimulatedDevice): Answer {
  const now = device.clock.read();
  // A clock pushed outside 2000-2099 has no u32 form; a terminal would show garbage.
  if (!isValidWallClock(now)) return error();
  const data = Buffer.alloc(4);
  data.writeUInt32LE(encodeTime(now), 0);
  return ok(data);
}

function setTime(device: SimulatedDevice, data: Buffer): Answer {
  if (data.length < 4) return error();
  const time = decodeTime(data.readUInt32LE(0));
  if (!isValidWallClock(time)) return error();
  device.clock.set(time);
  return ok();
}

/** CLEAR_DATA with no argument wipes everything; otherwise 1 log, 2 fingerprints, 4 op-log, 5 users. */
function clearData(device: SimulatedDevice, data: Buffer): Answer {
  const what = data.length > 0 ? data[0] : undefined;
  if (what === undefined || what === 1) device.clearAttendance();
  if (what === undefined || what === 2) device.clearFingerprints();
  if (what === undefined || what === DatasetFct.USERS) device.clearUsers();
  return what === undefined || [1, 2, 4, 5].includes(what) ? ok() : error();
}
