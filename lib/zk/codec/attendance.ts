import { DeviceProtocolError, InvalidRecordError } from '../../errors.js';
import { readFixedString, writeFixedString } from './strings.js';
import { decodeTime, encodeTime, type WallClock } from './time.js';

export type AttendanceRecordSize = 40 | 49 | 16 | 8;

/** One punch from the device's log, with the record's bytes kept for audits. */
export interface AttendanceRecord {
  /** The device's internal user slot; null in layouts that do not carry it (16 bytes). */
  uid: number | null;
  userId: string;
  /** 0 password, 1 fingerprint, 2 card, 15 face. */
  verifyType: number;
  /** 0 check-in, 1 check-out, 2/3 break, 4/5 overtime, 255 no state key. Advisory only. */
  state: number;
  time: WallClock;
  raw: Buffer;
}

export const ATTENDANCE_RECORD_SIZES: readonly AttendanceRecordSize[] = [40, 49, 16, 8];
const USER_ID_BYTES = 24;
/** Bytes 32-39 of the 40-byte layout, constant in every capture. */
const TAIL_40 = Buffer.from([0, 0, 0, 0, 0xff, 0, 0, 0]);

/**
 * The record size of a log holding `count` records in `datasetBytes` bytes (the dataset without
 * its u32 total). The size is never guessed: an unknown or inexact size means we would mis-decode.
 */
export function attendanceRecordSize(datasetBytes: number, count: number): AttendanceRecordSize {
  if (count === 0 && datasetBytes === 0) return 40;
  const size = count > 0 ? datasetBytes / count : Number.NaN;
  if (!ATTENDANCE_RECORD_SIZES.includes(size as AttendanceRecordSize)) {
    throw new DeviceProtocolError(
      `attendance log of ${datasetBytes} bytes for ${count} records does not match a known record size ` +
        `(${ATTENDANCE_RECORD_SIZES.join(', ')} bytes)`,
    );
  }
  return size as AttendanceRecordSize;
}

export function decodeAttendanceRecords(records: Buffer, count: number): AttendanceRecord[] {
  return decodeAttendanceRecordsOfSize(records, attendanceRecordSize(records.length, count));
}

export function decodeAttendanceRecordsOfSize(
  records: Buffer,
  size: AttendanceRecordSize,
): AttendanceRecord[] {
  if (records.length % size !== 0) {
    throw new DeviceProtocolError(
      `attendance log of ${records.length} bytes is not a whole number of ${size}-byte records`,
    );
  }
  const decoded: AttendanceRecord[] = [];
  for (let offset = 0; offset < records.length; offset += size) {
    decoded.push(decodeAttendanceRecord(records.subarray(offset, offset + size), size));
  }
  return decoded;
}

export function decodeAttendanceRecord(raw: Buffer, size: AttendanceRecordSize): AttendanceRecord {
  switch (size) {
    case 40:
    case 49:
      return {
        uid: raw.readUInt16LE(0),
        userId: readFixedString(raw, 2, USER_ID_BYTES),
        verifyType: raw[26],
        time: decodeTime(raw.readUInt32LE(27)),
        state: raw[31],
        raw,
      };
    case 16:
      // pyzk calls byte 8 "status" and byte 9 "punch", as it does for bytes 26 and 31 of the 40 form.
      return {
        uid: null,
        userId: String(raw.readUInt32LE(0)),
        time: decodeTime(raw.readUInt32LE(4)),
        verifyType: raw[8],
        state: raw[9],
        raw,
      };
    case 8: {
      const uid = raw.readUInt16LE(0);
      return {
        uid,
        userId: String(uid),
        verifyType: raw[2],
        time: decodeTime(raw.readUInt32LE(3)),
        state: raw[7],
        raw,
      };
    }
  }
}

/** Encodes one record; user ids of the 16 and 8 layouts must be numbers that fit their field. */
export function encodeAttendanceRecord(r: Omit<AttendanceRecord, 'raw'>, size: AttendanceRecordSize): Buffer {
  const record = Buffer.alloc(size);
  const time = encodeTime(r.time);
  switch (size) {
    case 40:
    case 49:
      record.writeUInt16LE(r.uid ?? 0, 0);
      writeFixedString(record, 2, USER_ID_BYTES, r.userId, 'user id');
      record[26] = r.verifyType;
      record.writeUInt32LE(time, 27);
      record[31] = r.state;
      TAIL_40.copy(record, 32);
      return record;
    case 16:
      record.writeUInt32LE(numericUserId(r.userId, 0xffffffff, size), 0);
      record.writeUInt32LE(time, 4);
      record[8] = r.verifyType;
      record[9] = r.state;
      return record;
    case 8:
      record.writeUInt16LE(r.uid ?? numericUserId(r.userId, 0xffff, size), 0);
      record[2] = r.verifyType;
      record.writeUInt32LE(time, 3);
      record[7] = r.state;
      return record;
  }
}

export function numericUserId(userId: string, max: number, layout: number): number {
  const value = /^\d+$/.test(userId) ? Number(userId) : Number.NaN;
  if (!(value <= max)) {
    throw new InvalidRecordError(
      `user id '${userId}' cannot be stored in the ${layout}-byte layout (0..${max})`,
    );
  }
  return value;
}
