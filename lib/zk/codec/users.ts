import { DeviceProtocolError } from '../../errors.js';
import { numericUserId } from './attendance.js';
import { readFixedString, writeFixedString } from './strings.js';

export type UserRecordSize = 72 | 28;

/** A user enrolled on the device. */
export interface DeviceUser {
  /** The device's internal slot number. */
  uid: number;
  /** The id people type and records carry (the PIN); up to 24 characters. */
  userId: string;
  name: string;
  /** Bit 0 = disabled; bits 1-3 the level (0 user, 2 enroller, 6 admin, 14 super admin). */
  privilege: number;
  password: string;
  cardNumber: number;
  groupId: number;
  /** 72-byte layout: 1 when the user has own timezones instead of the group's. */
  timezoneFlag?: number;
  /** 72-byte layout: three timezone ids; 28-byte layout: one. */
  timezones?: number[];
  raw?: Buffer;
}

export const USER_RECORD_SIZES: readonly UserRecordSize[] = [72, 28];

/** Decodes a user table (dataset without its u32 total). The size comes from `count` when given. */
export function decodeUsers(records: Buffer, count?: number): DeviceUser[] {
  const size = userRecordSize(records.length, count);
  const users: DeviceUser[] = [];
  for (let offset = 0; offset < records.length; offset += size) {
    users.push(decodeUser(records.subarray(offset, offset + size), size));
  }
  return users;
}

export function userRecordSize(datasetBytes: number, count?: number): UserRecordSize {
  if (datasetBytes === 0 && !count) return 72;
  let size: number;
  if (count !== undefined) size = count > 0 ? datasetBytes / count : Number.NaN;
  else size = datasetBytes % 72 === 0 ? 72 : datasetBytes % 28 === 0 ? 28 : Number.NaN;
  if (!USER_RECORD_SIZES.includes(size as UserRecordSize)) {
    const what = count === undefined ? '' : ` for ${count} users`;
    throw new DeviceProtocolError(
      `user table of ${datasetBytes} bytes${what} does not match a known record size (72 or 28 bytes)`,
    );
  }
  return size as UserRecordSize;
}

export function decodeUser(raw: Buffer, size: UserRecordSize): DeviceUser {
  if (size === 72) {
    return {
      uid: raw.readUInt16LE(0),
      privilege: raw[2],
      password: readFixedString(raw, 3, 8),
      name: readFixedString(raw, 11, 24),
      cardNumber: raw.readUInt32LE(35),
      groupId: raw[39],
      timezoneFlag: raw.readUInt16LE(40),
      timezones: [raw.readUInt16LE(42), raw.readUInt16LE(44), raw.readUInt16LE(46)],
      userId: readFixedString(raw, 48, 24),
      raw,
    };
  }
  return {
    uid: raw.readUInt16LE(0),
    privilege: raw[2],
    password: readFixedString(raw, 3, 5),
    name: readFixedString(raw, 8, 8),
    cardNumber: raw.readUInt32LE(16),
    groupId: raw[21],
    timezones: [raw.readInt16LE(22)],
    userId: String(raw.readUInt32LE(24)),
    raw,
  };
}

/** Encodes one user; fields that do not fit the layout are refused, never cut. */
export function encodeUser(u: DeviceUser, size: UserRecordSize): Buffer {
  const record = Buffer.alloc(size);
  record.writeUInt16LE(u.uid, 0);
  record[2] = u.privilege;
  if (size === 72) {
    writeFixedString(record, 3, 8, u.password, 'password');
    writeFixedString(record, 11, 24, u.name, 'name');
    record.writeUInt32LE(u.cardNumber, 35);
    record[39] = u.groupId;
    record.writeUInt16LE(u.timezoneFlag ?? 0, 40);
    const timezones = u.timezones ?? [];
    for (let i = 0; i < 3; i++) record.writeUInt16LE(timezones[i] ?? 0, 42 + 2 * i);
    writeFixedString(record, 48, 24, u.userId, 'user id');
    return record;
  }
  writeFixedString(record, 3, 5, u.password, 'password');
  writeFixedString(record, 8, 8, u.name, 'name');
  record.writeUInt32LE(u.cardNumber, 16);
  record[21] = u.groupId;
  record.writeInt16LE(u.timezones?.[0] ?? 0, 22);
  record.writeUInt32LE(numericUserId(u.userId, 0xffffffff, size), 24);
  return record;
}
