import fc from 'fast-check';
import { buildPayload, type DeliverableDay, idempotencyKey } from '../../lib/crm/payload.js';
import { ConfigurationError, InvalidRecordError } from '../../lib/errors.js';
import { exampleBody, exampleDay } from './example.js';

function day(overrides: Partial<DeliverableDay> = {}): DeliverableDay {
  return { ...exampleDay, ...overrides };
}

describe('buildPayload', () => {
  it('gives exactly the fields and JSON types of the CRM contract, plus revision', () => {
    const payload = buildPayload(day({ revision: 3 }));
    expect(JSON.parse(JSON.stringify(payload))).toStrictEqual(exampleBody(3));
  });

  it('carries the outlier flag and reason as they are', () => {
    const payload = buildPayload(
      day({ isOutlier: true, outlierReason: 'Clock-in too late; Clock-out too early' }),
    );
    expect(payload.is_outlier).toBe(true);
    expect(payload.outlier_reason).toBe('Clock-in too late; Clock-out too early');
  });

  it.each([
    {
      zone: 'Europe/Istanbul',
      clockIn: '2025-11-11T05:15:30Z',
      clockOut: '2025-11-11T14:30:00Z',
      expected: ['2025-11-11T08:15:30+03:00', '2025-11-11T17:30:00+03:00'],
    },
    {
      zone: 'UTC',
      clockIn: '2025-11-11T08:00:00Z',
      clockOut: '2025-11-11T17:00:05Z',
      expected: ['2025-11-11T08:00:00+00:00', '2025-11-11T17:00:05+00:00'],
    },
    {
      zone: 'Europe/London',
      clockIn: '2025-01-15T07:59:59Z',
      clockOut: '2025-01-15T18:00:00Z',
      expected: ['2025-01-15T07:59:59+00:00', '2025-01-15T18:00:00+00:00'],
    },
    {
      zone: 'America/New_York',
      clockIn: '2025-11-11T13:15:30Z',
      clockOut: '2025-11-11T22:30:00Z',
      expected: ['2025-11-11T08:15:30-05:00', '2025-11-11T17:30:00-05:00'],
    },
    {
      zone: 'Asia/Kolkata',
      clockIn: '2025-11-11T02:45:30Z',
      clockOut: '2025-11-11T12:00:00Z',
      expected: ['2025-11-11T08:15:30+05:30', '2025-11-11T17:30:00+05:30'],
    },
    {
      // Clocks go forward at 02:00 local on 2025-03-30: each punch gets the offset of its instant.
      zone: 'Europe/Berlin',
      clockIn: '2025-03-30T00:30:00Z',
      clockOut: '2025-03-30T12:00:00Z',
      expected: ['2025-03-30T01:30:00+01:00', '2025-03-30T14:00:00+02:00'],
    },
    {
      // Clocks go back at 02:00 local on 2025-11-02: an overnight shift spans both offsets.
      zone: 'America/New_York',
      clockIn: '2025-11-02T04:30:00Z',
      clockOut: '2025-11-02T13:00:00Z',
      expected: ['2025-11-02T00:30:00-04:00', '2025-11-02T08:00:00-05:00'],
    },
    {
      // Sub-second parts are dropped, not rounded up into the next second.
      zone: 'Europe/Istanbul',
      clockIn: '2025-11-11T05:15:30.999Z',
      clockOut: '2025-11-11T14:30:00.500Z',
      expected: ['2025-11-11T08:15:30+03:00', '2025-11-11T17:30:00+03:00'],
    },
  ])(
    'writes $zone times with the offset at that instant: $expected',
    ({ zone, clockIn, clockOut, expected }) => {
      const payload = buildPayload(
        day({ timezone: zone, clockIn: new Date(clockIn), clockOut: new Date(clockOut) }),
      );
      expect([payload.clock_in, payload.clock_out]).toEqual(expected);
    },
  );

  it('sends clock_out as JSON null when there is no clock-out', () => {
    const payload = buildPayload(day({ clockOut: null }));
    expect(payload.clock_out).toBeNull();
    expect(JSON.stringify(payload)).toContain('"clock_out":null');
  });

  it('refuses a device zone that is not an IANA name, naming the device', () => {
    expect(() => buildPayload(day({ timezone: 'Mars/Olympus' }))).toThrow(ConfigurationError);
    expect(() => buildPayload(day({ timezone: 'Mars/Olympus' }))).toThrow(
      /device "Main Office" \(192\.168\.1\.100\) has timezone "Mars\/Olympus"/,
    );
    // A push device that has not pushed has no address to name.
    expect(() => buildPayload(day({ timezone: 'Mars/Olympus', deviceIp: '' }))).toThrow(
      /^device "Main Office" has timezone "Mars\/Olympus"/,
    );
  });

  it.each([
    { name: 'a date not written YYYY-MM-DD', overrides: { date: '11/11/2025' } },
    { name: 'an invalid clock-in', overrides: { clockIn: new Date(Number.NaN) } },
    { name: 'an invalid clock-out', overrides: { clockOut: new Date('not a date') } },
  ])('refuses $name as an invalid record', ({ overrides }) => {
    expect(() => buildPayload(day(overrides))).toThrow(InvalidRecordError);
  });
});

describe('idempotencyKey', () => {
  const userIds = fc.oneof(
    fc.string({ minLength: 1, maxLength: 24 }),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }),
    fc.constantFrom('EMP001', '1', '12-3', '-', '%2D', 'a b', 'ü'),
  );
  const dates = fc
    .date({
      min: new Date('2000-01-01T00:00:00Z'),
      max: new Date('2099-12-31T00:00:00Z'),
      noInvalidDate: true,
    })
    .map((date) => date.toISOString().slice(0, 10));
  const records = fc.record({
    id: fc.integer({ min: 0, max: 2 ** 40 }),
    userId: userIds,
    date: dates,
    revision: fc.integer({ min: 0, max: 10_000 }),
  });

  it('reads attendance-<id>-<user>-<date>-r<revision>', () => {
    expect(idempotencyKey({ id: 42, userId: 'EMP001', date: '2025-11-11', revision: 3 })).toBe(
      'attendance-42-EMP001-2025-11-11-r3',
    );
    expect(idempotencyKey({ id: 7, userId: 'a-b c', date: '2025-11-11', revision: 1 })).toBe(
      'attendance-7-a%2Db%20c-2025-11-11-r1',
    );
  });

  it('is the same for the same record revision, whatever else the record holds', () => {
    fc.assert(
      fc.property(records, (record) => {
        const copy = { ...record };
        const full = { ...day(), ...record, clockIn: new Date(), isOutlier: true };
        expect(idempotencyKey(copy)).toBe(idempotencyKey(record));
        expect(idempotencyKey(full)).toBe(idempotencyKey(record));
      }),
    );
  });

  it('differs between revisions of one record', () => {
    fc.assert(
      fc.property(records, fc.integer({ min: 0, max: 10_000 }), (record, otherRevision) => {
        fc.pre(otherRevision !== record.revision);
        expect(idempotencyKey({ ...record, revision: otherRevision })).not.toBe(idempotencyKey(record));
      }),
    );
  });

  it('never gives two different records the same key', () => {
    fc.assert(
      fc.property(records, records, (a, b) => {
        fc.pre(a.id !== b.id || a.userId !== b.userId || a.date !== b.date || a.revision !== b.revision);
        expect(idempotencyKey(a)).not.toBe(idempotencyKey(b));
      }),
    );
  });

  it('is a header-safe ASCII value of at most 255 characters, even for very long user ids', () => {
    const anyUser = fc.oneof(userIds, fc.string({ unit: 'grapheme', minLength: 100, maxLength: 400 }));
    fc.assert(
      fc.property(records, anyUser, (record, userId) => {
        expect(idempotencyKey({ ...record, userId })).toMatch(/^[\x21-\x7e]{1,255}$/);
      }),
    );
  });

  it('keeps long keys distinct per revision once they are hashed', () => {
    const record = { id: 1, userId: 'x'.repeat(300), date: '2025-11-11', revision: 1 };
    const key = idempotencyKey(record);
    expect(key).toMatch(/^attendance-1-[0-9a-f]{64}$/);
    expect(idempotencyKey({ ...record })).toBe(key);
    expect(idempotencyKey({ ...record, revision: 2 })).not.toBe(key);
  });

  it.each([
    { name: 'a negative revision', record: { id: 1, userId: 'u', date: '2025-11-11', revision: -1 } },
    { name: 'a fractional id', record: { id: 1.5, userId: 'u', date: '2025-11-11', revision: 1 } },
    { name: 'a malformed date', record: { id: 1, userId: 'u', date: '2025-1-1', revision: 1 } },
  ])('refuses $name', ({ record }) => {
    expect(() => idempotencyKey(record)).toThrow(InvalidRecordError);
  });
});
