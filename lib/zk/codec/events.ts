import { DeviceProtocolError } from '../../errors.js';
import { numericUserId } from './attendance.js';
import { readFixedString, writeFixedString } from './strings.js';
import { decodeEventTime, encodeEventTime, type WallClock } from './time.js';

/** A punch pushed in real time (EF_ATTLOG). */
export interface AttendanceEvent {
  /** The device slot, in the 10/14-byte forms only. */
  uid: number | null;
  userId: string;
  verifyType: number;
  state: number;
  time: WallClock;
}

/** EF_ATTLOG data lengths seen on devices (PROTOCOL.md §12). */
export type AttendanceEventLength = 10 | 12 | 14 | 32 | 36 | 37 | 52;
export const ATTENDANCE_EVENT_LENGTHS: readonly AttendanceEventLength[] = [10, 12, 14, 32, 36, 37, 52];

export function decodeEventAttLog(data: Buffer): AttendanceEvent {
  switch (data.length) {
    case 10:
    case 14: {
      const uid = data.readUInt16LE(0);
      return {
        uid,
        userId: String(uid),
        verifyType: data[2],
        state: data[3],
        time: decodeEventTime(data, 4),
      };
    }
    case 12:
      return {
        uid: null,
        userId: String(data.readUInt32LE(0)),
        verifyType: data[4],
        state: data[5],
        time: decodeEventTime(data, 6),
      };
    case 32:
    case 36:
    case 37:
    case 52:
      return {
        uid: null,
        userId: readFixedString(data, 0, 24),
        verifyType: data[24],
        state: data[25],
        time: decodeEventTime(data, 26),
      };
    default:
      throw new DeviceProtocolError(
        `attendance event of ${data.length} bytes matches no known layout (${ATTENDANCE_EVENT_LENGTHS.join(', ')})`,
      );
  }
}

/** Builds EF_ATTLOG data in one of the device layouts; the extra bytes of longer forms are zero. */
export function encodeEventAttLog(
  e: Omit<AttendanceEvent, 'uid'> & { uid?: number | null },
  length: AttendanceEventLength = 32,
): Buffer {
  const data = Buffer.alloc(length);
  const time = encodeEventTime(e.time);
  if (length === 10 || length === 14) {
    data.writeUInt16LE(e.uid ?? numericUserId(e.userId, 0xffff, length), 0);
    data[2] = e.verifyType;
    data[3] = e.state;
    time.copy(data, 4);
  } else if (length === 12) {
    data.writeUInt32LE(numericUserId(e.userId, 0xffffffff, length), 0);
    data[4] = e.verifyType;
    data[5] = e.state;
    time.copy(data, 6);
  } else {
    writeFixedString(data, 0, 24, e.userId, 'user id');
    data[24] = e.verifyType;
    data[25] = e.state;
    time.copy(data, 26);
  }
  return data;
}
