import type { RulesConfig } from '../../lib/attendance/index.js';
import { lockUsersForProcessing } from '../../lib/db/punchProcessing.js';
import { processPendingPunches } from '../../lib/processing/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { addDevice, type TestDevice } from '../support/devices.js';
import { silentLogger } from '../support/logging.js';
import { addPunches } from '../support/punches.js';
import {
  clearAttendance,
  markAllDelivered,
  recordingLogger,
  rulesFromSettings,
  storedDay,
  storedDays,
  unprocessedCount,
} from './fixtures.js';

let db: TestDatabase;
let office: TestDevice;
let canteen: TestDevice;
const rules = rulesFromSettings();

beforeAll(async () => {
  db = await createTestDatabase();
  office = await addDevice(db.sql, { timezone: 'Europe/Istanbul' });
  canteen = await addDevice(db.sql, { timezone: 'Europe/Istanbul' });
});
afterAll(async () => {
  await db.drop();
});
beforeEach(async () => {
  await clearAttendance(db.sql);
});

function run(options: { batchSize?: number; rules?: RulesConfig } = {}) {
  return processPendingPunches(db.sql, options.rules ?? rules, {
    batchSize: options.batchSize ?? 100,
    logger: silentLogger,
  });
}

const nothing = {
  punchesProcessed: 0,
  daysCreated: 0,
  daysRevised: 0,
  daysUnchanged: 0,
  outliers: 0,
  failed: 0,
  morePending: false,
};

describe('processing new punches', () => {
  test('a normal day becomes one record from its raw rows', async () => {
    const ids = await addPunches(db.sql, office, [
      ['EMP001', '2025-11-11T08:15:30'],
      ['EMP001', '2025-11-11T17:30:00'],
    ]);

    expect(await run()).toEqual({ ...nothing, punchesProcessed: 2, daysCreated: 1 });

    const [day] = await storedDays(db.sql);
    expect(day).toMatchObject({
      userId: 'EMP001',
      date: '2025-11-11',
      clockIn: new Date('2025-11-11T05:15:30Z'),
      clockInLocal: '2025-11-11T08:15:30',
      clockInTimezone: 'Europe/Istanbul',
      clockInDeviceId: office.id,
      clockOut: new Date('2025-11-11T14:30:00Z'),
      clockOutLocal: '2025-11-11T17:30:00',
      clockOutDeviceId: office.id,
      punchCount: 2,
      deviceIds: [office.id],
      punchIds: ids,
      isOutlier: false,
      outlierReason: '',
      flags: [],
      revision: 1,
      deliveryStatus: 'pending',
      deliveredRevision: null,
    });
    expect(day.contentKey).toMatch(/^[0-9a-f]{64}$/);
    expect(await unprocessedCount(db.sql)).toBe(0);
  });

  test('a second run changes nothing: no write at all', async () => {
    await addPunches(db.sql, office, [
      ['EMP001', '2025-11-11T08:15:30'],
      ['EMP001', '2025-11-11T17:30:00'],
      ['EMP002', '2025-11-11T11:00:00'],
    ]);
    await run();
    const before = await storedDays(db.sql);

    expect(await run()).toEqual(nothing);

    const after = await storedDays(db.sql);
    expect(after).toEqual(before);
    expect(after.map((d) => [d.revision, d.rowVersion, d.updatedAt])).toEqual(
      before.map((d) => [d.revision, d.rowVersion, d.updatedAt]),
    );
  });

  test('outliers are flagged with the original reasons and counted', async () => {
    await addPunches(db.sql, office, [
      ['EMP001', '2025-11-11T05:30:00'],
      ['EMP001', '2025-11-11T21:30:00'],
      ['EMP002', '2025-11-11T08:00:00'],
    ]);

    expect(await run()).toMatchObject({ daysCreated: 2, outliers: 1 });
    expect(await storedDay(db.sql, 'EMP001', '2025-11-11')).toMatchObject({
      isOutlier: true,
      outlierReason: 'Clock-in too early; Clock-out too late',
    });
    expect(await storedDay(db.sql, 'EMP002', '2025-11-11')).toMatchObject({
      isOutlier: false,
      clockOut: null,
      flags: ['Missing clock-out'],
    });
  });

  test('two users on two devices: one record each, merging both devices', async () => {
    await addPunches(db.sql, office, [
      ['EMP001', '2025-11-11T08:01:00'],
      ['EMP002', '2025-11-11T17:45:00'],
    ]);
    await addPunches(db.sql, canteen, [
      ['EMP002', '2025-11-11T08:30:00'],
      ['EMP001', '2025-11-11T17:02:00'],
    ]);

    expect(await run()).toMatchObject({ punchesProcessed: 4, daysCreated: 2 });

    const days = await storedDays(db.sql);
    expect(days).toHaveLength(2);
    expect(days[0]).toMatchObject({
      userId: 'EMP001',
      clockInLocal: '2025-11-11T08:01:00',
      clockInDeviceId: office.id,
      clockOutLocal: '2025-11-11T17:02:00',
      clockOutDeviceId: canteen.id,
      deviceIds: [office.id, canteen.id].sort((a, b) => a - b),
    });
    expect(days[1]).toMatchObject({
      userId: 'EMP002',
      clockInDeviceId: canteen.id,
      clockOutDeviceId: office.id,
      punchCount: 2,
    });
  });

  test('a device in another timezone dates punches by its own calendar', async () => {
    const kolkata = await addDevice(db.sql, { timezone: 'Asia/Kolkata' });
    // 00:30 in Kolkata is still the previous evening in UTC and in Istanbul.
    await addPunches(db.sql, kolkata, [
      ['EMP007', '2025-11-12T00:30:00'],
      ['EMP007', '2025-11-12T09:10:00'],
    ]);

    await run();

    const [day] = await storedDays(db.sql);
    expect(day).toMatchObject({
      userId: 'EMP007',
      date: '2025-11-12',
      clockIn: new Date('2025-11-11T19:00:00Z'),
      clockInLocal: '2025-11-12T00:30:00',
      clockInTimezone: 'Asia/Kolkata',
      clockOut: new Date('2025-11-12T03:40:00Z'),
      isOutlier: true,
      outlierReason: 'Clock-in too early; Clock-out too early',
    });
  });

  test('batches: a small batch size takes every punch exactly once', async () => {
    const users = Array.from({ length: 9 }, (_, i) => `U${i}`);
    await addPunches(db.sql, office, [
      ...users.map((u): [string, string] => [u, '2025-11-11T08:00:00']),
      ...users.map((u): [string, string] => [u, '2025-11-11T17:00:00']),
    ]);

    const result = await run({ batchSize: 4 });

    // A batch rebuilds its days from every stored punch, processed or not: the clock-outs are already
    // there when the clock-ins are taken, so the batches that take them find their days unchanged.
    expect(result).toMatchObject({
      punchesProcessed: 18,
      daysCreated: 9,
      daysRevised: 0,
      daysUnchanged: 9,
      morePending: false,
    });
    const days = await storedDays(db.sql);
    expect(days.map((d) => [d.punchCount, d.clockOutLocal])).toEqual(
      users.map(() => [2, '2025-11-11T17:00:00']),
    );
    expect(
      await processPendingPunches(db.sql, rules, { batchSize: 5, maxBatches: 1, logger: silentLogger }),
    ).toEqual(nothing);
  });

  test('maxBatches bounds one call and says when more punches wait', async () => {
    await addPunches(
      db.sql,
      office,
      Array.from({ length: 10 }, (_, i): [string, string] => [`U${i}`, '2025-11-11T08:00:00']),
    );
    const first = await processPendingPunches(db.sql, rules, {
      batchSize: 3,
      maxBatches: 2,
      logger: silentLogger,
    });
    expect(first).toMatchObject({ punchesProcessed: 6, morePending: true });
    const rest = await processPendingPunches(db.sql, rules, {
      batchSize: 3,
      maxBatches: 5,
      logger: silentLogger,
    });
    expect(rest).toMatchObject({ punchesProcessed: 4, morePending: false });
  });
});

describe('late punches', () => {
  test('a punch that arrives after its day was delivered re-opens only that day', async () => {
    await addPunches(db.sql, office, [
      ['EMP001', '2025-11-10T08:00:00'],
      ['EMP001', '2025-11-10T17:00:00'],
      ['EMP001', '2025-11-11T08:05:00'],
      ['EMP001', '2025-11-11T17:10:00'],
    ]);
    await run();
    await markAllDelivered(db.sql);
    const delivered = await storedDays(db.sql);

    // The canteen terminal was offline for a day; its log now brings a later clock-out for the 10th.
    const [late] = await addPunches(db.sql, canteen, [['EMP001', '2025-11-10T19:40:00']]);
    expect(await run()).toEqual({ ...nothing, punchesProcessed: 1, daysRevised: 1 });

    const revised = await storedDay(db.sql, 'EMP001', '2025-11-10');
    expect(revised).toMatchObject({
      revision: 2,
      deliveryStatus: 'pending',
      deliveredRevision: 1,
      syncAttempts: 0,
      retryRounds: 0,
      lastSyncError: null,
      clockOutLocal: '2025-11-10T19:40:00',
      clockOutDeviceId: canteen.id,
      punchCount: 3,
      deviceIds: [office.id, canteen.id].sort((a, b) => a - b),
    });
    expect(revised.punchIds).toContain(late);
    expect(revised.contentKey).not.toBe(delivered[0].contentKey);
    // The other day was not written.
    expect(await storedDay(db.sql, 'EMP001', '2025-11-11')).toEqual(delivered[1]);

    // And running again changes nothing.
    const before = await storedDays(db.sql);
    expect(await run()).toEqual(nothing);
    expect(await storedDays(db.sql)).toEqual(before);
  });

  test('a late repeat within the debounce keeps the times but still makes a new revision', async () => {
    // The record lists every punch it was built from (punch ids and count are in its content key),
    // so a repeat that moves neither end is a new revision; the CRM gets the same times again.
    await addPunches(db.sql, office, [
      ['EMP001', '2025-11-11T08:00:00'],
      ['EMP001', '2025-11-11T17:00:00'],
    ]);
    await run();
    await markAllDelivered(db.sql);
    const before = await storedDay(db.sql, 'EMP001', '2025-11-11');

    await addPunches(db.sql, canteen, [['EMP001', '2025-11-11T17:00:40']]);
    expect(await run()).toMatchObject({ punchesProcessed: 1, daysRevised: 1, failed: 0 });

    const after = await storedDay(db.sql, 'EMP001', '2025-11-11');
    expect(after).toMatchObject({
      clockIn: before.clockIn,
      clockOut: before.clockOut,
      clockOutLocal: '2025-11-11T17:00:00',
      punchCount: 3,
      revision: 2,
      deliveryStatus: 'pending',
      deliveredRevision: 1,
    });
  });

  test('an overnight shift whose clock-out is processed in a later run stays one record', async () => {
    const overnight = rulesFromSettings({
      WORK_START_TIME: '20:00',
      WORK_END_TIME: '05:00',
      OVERNIGHT_SHIFT: 'true',
      OVERNIGHT_SHIFT_BUFFER_HOURS: '4',
    });
    await addPunches(db.sql, office, [['EMP009', '2025-11-11T20:02:00']]);
    expect(await run({ rules: overnight })).toMatchObject({ daysCreated: 1 });
    expect(await storedDay(db.sql, 'EMP009', '2025-11-11')).toMatchObject({
      clockOut: null,
      flags: ['Missing clock-out'],
      revision: 1,
    });

    // After midnight, before the 09:00 day change: the same attendance day.
    await addPunches(db.sql, office, [
      ['EMP009', '2025-11-12T05:10:00'],
      ['EMP009', '2025-11-12T19:58:00'],
    ]);
    expect(await run({ rules: overnight })).toMatchObject({ daysCreated: 1, daysRevised: 1 });

    const days = await storedDays(db.sql);
    expect(days.map((d) => [d.date, d.clockInLocal, d.clockOutLocal, d.revision, d.flags])).toEqual([
      ['2025-11-11', '2025-11-11T20:02:00', '2025-11-12T05:10:00', 2, []],
      ['2025-11-12', '2025-11-12T19:58:00', null, 1, ['Missing clock-out']],
    ]);
    expect(days[0].isOutlier).toBe(false);
  });
});

describe('punches the rules cannot use', () => {
  test('are marked processed, counted and logged, and do not block the others', async () => {
    // An instant that is not the wall clock in the device's zone (stored by a faulty import).
    const [bad] = await addPunches(db.sql, office, [['EMP001', '2025-11-11T12:00:00']], {
      instant: new Date('2025-11-11T20:00:00Z'),
    });
    await addPunches(db.sql, office, [
      ['EMP001', '2025-11-11T08:00:00'],
      ['EMP001', '2025-11-11T17:00:00'],
      ['EMP002', '2025-11-11T08:30:00'],
    ]);
    const { logger, messages } = recordingLogger();

    const result = await processPendingPunches(db.sql, rules, { batchSize: 100, logger });

    expect(result).toMatchObject({ punchesProcessed: 4, daysCreated: 2, failed: 1 });
    expect(await storedDay(db.sql, 'EMP001', '2025-11-11')).toMatchObject({ punchCount: 2 });
    expect(await unprocessedCount(db.sql)).toBe(0);
    expect(messages()).toEqual([
      expect.stringMatching(
        new RegExp(
          `^punch ${bad} \\(user EMP001, device ${office.id}, 2025-11-11T12:00:00\\) was not used: .*recompute it from the wall clock`,
        ),
      ),
    ]);

    // Later punches of that day are still processed; the bad punch is not counted again.
    await addPunches(db.sql, office, [['EMP001', '2025-11-11T18:00:00']]);
    expect(await run()).toMatchObject({ punchesProcessed: 1, daysRevised: 1, failed: 0 });
  });
});

describe('concurrent runs', () => {
  test('runs at once, while punches arrive, take disjoint punches and leave one complete record per day', async () => {
    const users = Array.from({ length: 40 }, (_, i) => `C${String(i).padStart(2, '0')}`);
    await addPunches(
      db.sql,
      office,
      users.map((u): [string, string] => [u, '2025-11-11T08:00:00']),
    );
    let ingesting = true;
    const ingest = async () => {
      for (let start = 0; start < users.length; start += 5) {
        await addPunches(
          db.sql,
          canteen,
          users.slice(start, start + 5).map((u): [string, string] => [u, '2025-11-11T17:00:00']),
        );
      }
      ingesting = false;
    };
    const keepProcessing = async (batchSize: number) => {
      let punches = 0;
      let days = 0;
      for (;;) {
        const wasIngesting = ingesting;
        const result = await run({ batchSize });
        punches += result.punchesProcessed;
        days += result.daysCreated;
        if (!wasIngesting && result.punchesProcessed === 0) return { punches, days };
      }
    };

    const [, ...runs] = await Promise.all([
      ingest(),
      keepProcessing(7),
      keepProcessing(5),
      keepProcessing(3),
    ]);

    expect(runs.reduce((sum, r) => sum + r.punches, 0)).toBe(80);
    expect(runs.reduce((sum, r) => sum + r.days, 0)).toBe(40);
    const days = await storedDays(db.sql);
    expect(days.map((d) => d.userId)).toEqual(users);
    for (const day of days) {
      expect(day).toMatchObject({ punchCount: 2, clockOutLocal: '2025-11-11T17:00:00' });
    }
    const allPunchIds = await db.sql<{ id: string }[]>`select id::text as id from raw_punches`;
    expect(days.flatMap((d) => d.punchIds).sort()).toEqual(allPunchIds.map((p) => p.id).sort());
    expect(await unprocessedCount(db.sql)).toBe(0);
  });

  test('a run waits for another that is rebuilding the same user, then reads what that one committed', async () => {
    await addPunches(db.sql, office, [['EMP001', '2025-11-11T08:00:00']]);
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let holding = () => {};
    const held = new Promise<void>((resolve) => {
      holding = resolve;
    });
    // Another transaction rebuilding EMP001's days holds the user's processing lock.
    const other = db.sql.begin(async (tx) => {
      await lockUsersForProcessing(tx, ['EMP001']);
      holding();
      await released;
    });
    await held;

    const waiting = run();
    await waitUntilAdvisoryLockWaits();
    // Committed while the run waits, after it took its batch: the run must still see it.
    const [clockOut] = await addPunches(db.sql, canteen, [['EMP001', '2025-11-11T17:00:00']]);
    release();
    await other;

    expect(await waiting).toMatchObject({ punchesProcessed: 1, daysCreated: 1 });
    expect(await storedDay(db.sql, 'EMP001', '2025-11-11')).toMatchObject({
      punchCount: 2,
      clockOutLocal: '2025-11-11T17:00:00',
    });
    expect((await storedDay(db.sql, 'EMP001', '2025-11-11')).punchIds).toContain(clockOut);
    expect(await run()).toMatchObject({ punchesProcessed: 1, daysUnchanged: 1, daysRevised: 0 });
  }, 20_000);
});

async function waitUntilAdvisoryLockWaits(): Promise<void> {
  for (;;) {
    const [row] = await db.sql<{ waiting: number }[]>`
      select count(*)::int as waiting from pg_locks where locktype = 'advisory' and not granted`;
    if (row.waiting > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
