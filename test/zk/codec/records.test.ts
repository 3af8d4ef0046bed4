import fc from 'fast-check';
import { DeviceProtocolError, InvalidRecordError } from '../../../lib/errors.js';
import {
  type AttendanceEvent,
  type AttendanceEventLength,
  type AttendanceRecord,
  type AttendanceRecordSize,
  attendanceRecordSize,
  type DeviceUser,
  decodeAttendanceRecords,
  decodeBufferedReadReply,
  decodeDataRdy,
  decodeDataset,
  decodeDataWrrq,
  decodeEventAttLog,
  decodeFreeSizes,
  decodeOptionReply,
  decodePrepareData,
  decodeUsers,
  encodeAttendanceRecord,
  encodeBufferedReadReply,
  encodeDataRdy,
  encodeDataset,
  encodeDataWrrq,
  encodeEventAttLog,
  encodeFreeSizes,
  encodeOption,
  encodeOptionRequest,
  encodePrepareData,
  encodeUser,
  type FreeSizes,
  MAX_CHUNK_BYTES,
  planChunks,
  type UserRecordSize,
  type WallClock,
} from '../../../lib/zk/codec/index.js';

const u8 = fc.integer({ min: 0, max: 255 });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const i32 = fc.integer({ min: -0x80000000, max: 0x7fffffff });
/** latin1 text without NUL, as device strings are. */
const text = (maxLength: number) =>
  fc.array(fc.integer({ min: 1, max: 255 }), { maxLength }).map((codes) => String.fromCharCode(...codes));
const digits = (max: number) => fc.integer({ min: 0, max }).map(String);

const wallClockArb: fc.Arbitrary<WallClock> = fc.record({
  year: fc.integer({ min: 2000, max: 2099 }),
  month: fc.integer({ min: 1, max: 12 }),
  day: fc.integer({ min: 1, max: 31 }),
  hour: fc.integer({ min: 0, max: 23 }),
  minute: fc.integer({ min: 0, max: 59 }),
  second: fc.integer({ min: 0, max: 59 }),
});

/** What each layout can carry: the 16- and 8-byte forms have numeric ids and no separate uid. */
function attendanceArb(size: AttendanceRecordSize): fc.Arbitrary<Omit<AttendanceRecord, 'raw'>> {
  const common = { verifyType: u8, state: u8, time: wallClockArb };
  if (size === 16) return fc.record({ ...common, uid: fc.constant(null), userId: digits(0xffffffff) });
  if (size === 8) {
    return fc.record({ ...common, uid: u16 }).map((r) => ({ ...r, userId: String(r.uid) }));
  }
  return fc.record({ ...common, uid: u16, userId: text(24) });
}

describe('attendance records', () => {
  it.each([40, 49, 16, 8] as const)('round-trip in the %i-byte layout', (size) => {
    fc.assert(
      fc.property(fc.array(attendanceArb(size), { maxLength: 20 }), (records) => {
        const bytes = Buffer.concat(records.map((r) => encodeAttendanceRecord(r, size)));
        expect(bytes.length).toBe(records.length * size);
        const decoded = decodeAttendanceRecords(bytes, records.length);
        expect(decoded.map(({ raw: _raw, ...rest }) => rest)).toEqual(records);
        decoded.forEach((d, i) => {
          expect(d.raw).toEqual(bytes.subarray(i * size, (i + 1) * size));
        });
      }),
    );
  });

  it('never cuts a 24-character user id', () => {
    const record = { uid: 1, userId: '123456789012345678901234', verifyType: 1, state: 0 };
    const time = { year: 2024, month: 1, day: 2, hour: 3, minute: 4, second: 5 };
    const [decoded] = decodeAttendanceRecords(encodeAttendanceRecord({ ...record, time }, 40), 1);
    expect(decoded.userId).toBe('123456789012345678901234');
  });

  it('writes the constant tail of the 40-byte layout', () => {
    const time = { year: 2018, month: 6, day: 25, hour: 17, minute: 50, second: 35 };
    const bytes = encodeAttendanceRecord({ uid: 13, userId: '999111333', verifyType: 1, state: 0, time }, 40);
    expect(bytes.toString('hex')).toBe(
      '0d00393939313131333333000000000000000000000000000000016bb368230000000000ff000000',
    );
  });

  it.each([
    [40, 'x'.repeat(25)],
    [16, 'A12'],
    [16, '4294967296'],
    [8, '70000'],
  ] as const)('refuses what the %i-byte layout cannot hold: user id %j', (size, userId) => {
    const time = { year: 2024, month: 1, day: 1, hour: 0, minute: 0, second: 0 };
    expect(() => encodeAttendanceRecord({ uid: null, userId, verifyType: 0, state: 0, time }, size)).toThrow(
      InvalidRecordError,
    );
  });

  it.each([
    [400, 10, 40],
    [490, 10, 49],
    [160, 10, 16],
    [80, 10, 8],
    [0, 0, 40],
  ])('%i bytes for %i records are %i-byte records', (bytes, count, size) => {
    expect(attendanceRecordSize(bytes, count)).toBe(size);
  });

  it.each([
    [410, 10],
    [320, 10],
    [40, 0],
    [0, 3],
    [39, 1],
  ])('refuses %i bytes for %i records', (bytes, count) => {
    expect(() => attendanceRecordSize(bytes, count)).toThrow(DeviceProtocolError);
  });
});

const userArb = (size: UserRecordSize): fc.Arbitrary<DeviceUser> =>
  size === 72
    ? fc.record({
        uid: u16,
        privilege: u8,
        password: text(8),
        name: text(24),
        cardNumber: u32,
        groupId: u8,
        timezoneFlag: u16,
        timezones: fc.tuple(u16, u16, u16),
        userId: text(24),
      })
    : fc.record({
        uid: u16,
        privilege: u8,
        password: text(5),
        name: text(8),
        cardNumber: u32,
        groupId: u8,
        timezones: fc.tuple(fc.integer({ min: -0x8000, max: 0x7fff })),
        userId: digits(0xffffffff),
      });

describe('users', () => {
  it.each([72, 28] as const)('round-trip in the %i-byte layout', (size) => {
    fc.assert(
      fc.property(fc.array(userArb(size), { maxLength: 10 }), (users) => {
        const bytes = Buffer.concat(users.map((u) => encodeUser(u, size)));
        const decoded = decodeUsers(bytes, users.length).map(({ raw: _raw, ...rest }) => rest);
        expect(decoded).toEqual(users);
      }),
    );
  });

  it('reads the password up to its NUL and ignores the garbage after it', () => {
    const hex =
      '0d000034343400c69a807c4e6564000000000000000000000000000000000000000000de000000020100010002000000' +
      '353535000000000000000000000000000000000000000000';
    const [user] = decodeUsers(Buffer.from(hex, 'hex'));
    expect(user).toMatchObject({
      uid: 13,
      password: '444',
      name: 'Ned',
      cardNumber: 222,
      groupId: 2,
      userId: '555',
    });
    expect(user.timezoneFlag).toBe(1);
    expect(user.timezones).toEqual([1, 2, 0]);
  });

  it('infers 72 bytes, then 28, when no count is given, and refuses other sizes', () => {
    expect(decodeUsers(Buffer.alloc(144))).toHaveLength(2);
    expect(decodeUsers(Buffer.alloc(56))).toHaveLength(2);
    expect(decodeUsers(Buffer.alloc(0))).toEqual([]);
    expect(() => decodeUsers(Buffer.alloc(100))).toThrow(DeviceProtocolError);
    expect(() => decodeUsers(Buffer.alloc(144), 3)).toThrow(DeviceProtocolError);
  });
});

const freeSizesArb: fc.Arbitrary<FreeSizes> = fc
  .tuple(fc.array(i32, { minLength: 12, maxLength: 12 }), fc.option(fc.tuple(i32, i32), { nil: undefined }))
  .map(([counts, faces]) => {
    const [users, fingerprints, records, opLogs, admins, passwords] = counts;
    const [fingerprintCapacity, userCapacity, recordCapacity] = counts.slice(6, 9);
    const [fingerprintsAvailable, usersAvailable, recordsAvailable] = counts.slice(9);
    const sizes: FreeSizes = {
      users,
      fingerprints,
      records,
      opLogs,
      admins,
      passwords,
      fingerprintCapacity,
      userCapacity,
      recordCapacity,
      fingerprintsAvailable,
      usersAvailable,
      recordsAvailable,
    };
    return faces ? { ...sizes, faces: faces[0], faceCapacity: faces[1] } : sizes;
  });

describe('free sizes', () => {
  it('round-trip in the 80- and 92-byte forms', () => {
    fc.assert(
      fc.property(freeSizesArb, (sizes) => {
        const bytes = encodeFreeSizes(sizes);
        expect(bytes.length).toBe(sizes.faces === undefined ? 80 : 92);
        expect(decodeFreeSizes(bytes)).toEqual(sizes);
      }),
    );
  });

  it('refuses a reply shorter than 80 bytes', () => {
    expect(() => decodeFreeSizes(Buffer.alloc(79))).toThrow(DeviceProtocolError);
  });
});

describe('options', () => {
  it('encodes a request key with its NUL', () => {
    expect(encodeOptionRequest('~SerialNumber').toString('hex')).toBe('7e53657269616c4e756d62657200');
  });

  it.each([
    ['~Platform=ZEM760_TFT\0', '~Platform', 'ZEM760_TFT'],
    ['Key=a=b\0junk', 'Key', 'a=b'],
    ['~DeviceName=\0', '~DeviceName', ''],
    ['NoValue\0', 'NoValue', ''],
  ])('reads %j', (reply, key, value) => {
    expect(decodeOptionReply(Buffer.from(reply, 'latin1'))).toEqual({ key, value });
  });

  it('round-trips key=value', () => {
    fc.assert(
      fc.property(
        text(20).filter((k) => !k.includes('=')),
        text(40),
        (key, value) => {
          expect(decodeOptionReply(encodeOption(key, value))).toEqual({ key, value });
        },
      ),
    );
  });
});

describe('attendance events', () => {
  const eventArb = (length: AttendanceEventLength): fc.Arbitrary<AttendanceEvent> => {
    const common = { verifyType: u8, state: u8, time: wallClockArb };
    if (length === 10 || length === 14) {
      return fc.record({ ...common, uid: u16 }).map((e) => ({ ...e, userId: String(e.uid) }));
    }
    const userId = length === 12 ? digits(0xffffffff) : text(24);
    return fc.record({ ...common, uid: fc.constant(null), userId });
  };

  it.each([10, 12, 14, 32, 36, 37, 52] as const)('round-trip in the %i-byte form', (length) => {
    fc.assert(
      fc.property(eventArb(length), (event) => {
        const data = encodeEventAttLog(event, length);
        expect(data.length).toBe(length);
        expect(decodeEventAttLog(data)).toEqual(event);
      }),
    );
  });

  it('refuses an unknown length', () => {
    expect(() => decodeEventAttLog(Buffer.alloc(20))).toThrow(DeviceProtocolError);
  });
});

describe('buffered-read messages', () => {
  it('builds the 1503 requests of the captures', () => {
    expect(encodeDataWrrq(13, 0).toString('hex')).toBe('010d000000000000000000');
    expect(encodeDataWrrq(9, 5).toString('hex')).toBe('0109000500000000000000');
    expect(decodeDataWrrq(encodeDataWrrq(9, 5, 7))).toEqual({ flag: 1, command: 9, fct: 5, ext: 7 });
  });

  it('reads the 13-byte announcement and PREPARE_DATA of the captures', () => {
    expect(decodeBufferedReadReply(Buffer.from('00b4130000b4130000cdef2300', 'hex'))).toEqual({
      sizeBytes: 5044,
    });
    expect(decodePrepareData(Buffer.from('b4130000f0030000', 'hex'))).toEqual({
      length: 5044,
      packetBytes: 1008,
    });
  });

  it('round-trips its messages', () => {
    fc.assert(
      fc.property(u32, u32, (a, b) => {
        expect(decodeBufferedReadReply(encodeBufferedReadReply(a))).toEqual({ sizeBytes: a });
        expect(decodeDataRdy(encodeDataRdy(a, b))).toEqual({ start: a, length: b });
        expect(decodePrepareData(encodePrepareData(a, b))).toEqual({ length: a, packetBytes: b });
      }),
    );
  });

  it('plans chunks of at most 0xFFC0 bytes that cover the dataset exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5_000_000 }), (size) => {
        const chunks = planChunks(size);
        expect(chunks.reduce((sum, c) => sum + c.length, 0)).toBe(size);
        chunks.forEach((c, i) => {
          expect(c.start).toBe(i * MAX_CHUNK_BYTES);
          expect(c.length).toBeLessThanOrEqual(MAX_CHUNK_BYTES);
          expect(c.length).toBeGreaterThan(0);
        });
      }),
    );
  });

  it('wraps records in a dataset and checks its total', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const records = Buffer.from(bytes);
        expect(decodeDataset(encodeDataset(records))).toEqual({ totalBytes: records.length, records });
      }),
    );
    expect(() => decodeDataset(Buffer.from('0500000001020304', 'hex'))).toThrow(DeviceProtocolError);
    expect(() => decodeDataset(Buffer.from('0500', 'hex'))).toThrow(DeviceProtocolError);
  });
});
