import { ConfigurationError } from '../../lib/errors.js';
import { processDateRange, processPendingPunches, type RangeProgress } from '../../lib/processing/index.js';
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
const rules = rulesFromSettings();

beforeAll(async () => {
  db = await createTestDatabase();
  office = await addDevice(db.sql, { timezone: 'Africa/Nairobi' });
});
afterAll(async () => {
  await db.drop();
});
beforeEach(async () => {
  await clearAttendance(db.sql);
});

/** Three days of two users: in at 09:30 (on time with the defaults), out at 17:00. */
async function threeDays(): Promise<void> {
  const punches: [string, string][] = [];
  for (const date of ['2025-11-10', '2025-11-11', '2025-11-12']) {
    for (const user of ['EMP001', 'EMP002']) {
      punches.push([user, `${date}T09:30:00`], [user, `${date}T17:00:00`]);
    }
  }
  await addPunches(db.sql, office, punches);
}

function pending(rulesInUse = rules) {
  return processPendingPunches(db.sql, rulesInUse, { batchSize: 100, logger: silentLogger });
}

describe('processing a date range', () => {
  test('recomputes those days from raw and rewrites only the ones whose content changed', async () => {
    await threeDays();
    await pending();
    await markAllDelivered(db.sql);
    const before = await storedDays(db.sql);

    // The shift start moves to 07:00: 09:30 is now more than 2 h late.
    const earlier = rulesFromSettings({ WORK_START_TIME: '07:00' });
    const result = await processDateRange(db.sql, earlier, {
      startDate: '2025-11-11',
      endDate: '2025-11-12',
      logger: silentLogger,
    });

    expect(result).toEqual({
      punchesProcessed: 8,
      daysCreated: 0,
      daysRevised: 4,
      daysUnchanged: 0,
      outliers: 4,
      failed: 0,
    });
    const after = await storedDays(db.sql);
    for (const day of after) {
      const old = before.find((d) => d.userId === day.userId && d.date === day.date);
      if (day.date === '2025-11-10') {
        expect(day).toEqual(old);
      } else {
        expect(day).toMatchObject({
          isOutlier: true,
          outlierReason: 'Clock-in too late',
          revision: 2,
          deliveryStatus: 'pending',
          deliveredRevision: 1,
        });
      }
    }
  });

  test('a second run of the same range writes nothing', async () => {
    await threeDays();
    await pending();
    const before = await storedDays(db.sql);

    const result = await processDateRange(db.sql, rules, {
      startDate: '2025-11-10',
      endDate: '2025-11-12',
      logger: silentLogger,
    });

    expect(result).toMatchObject({ punchesProcessed: 12, daysUnchanged: 6, daysCreated: 0, daysRevised: 0 });
    expect(await storedDays(db.sql)).toEqual(before);
  });

  test('builds days of punches not processed yet; the incremental run then finds them unchanged', async () => {
    await threeDays();

    const result = await processDateRange(db.sql, rules, { startDate: '2025-11-11', logger: silentLogger });

    expect(result).toMatchObject({ punchesProcessed: 8, daysCreated: 4 });
    expect(await unprocessedCount(db.sql)).toBe(12);
    expect(await pending()).toMatchObject({ punchesProcessed: 12, daysCreated: 2, daysUnchanged: 4 });
  });

  test('one user only, and open-ended ranges', async () => {
    await threeDays();

    expect(await processDateRange(db.sql, rules, { userId: 'EMP002', logger: silentLogger })).toMatchObject({
      punchesProcessed: 6,
      daysCreated: 3,
    });
    expect((await storedDays(db.sql)).map((d) => [d.userId, d.date])).toEqual([
      ['EMP002', '2025-11-10'],
      ['EMP002', '2025-11-11'],
      ['EMP002', '2025-11-12'],
    ]);
    expect(
      await processDateRange(db.sql, rules, { endDate: '2025-11-10', logger: silentLogger }),
    ).toMatchObject({ punchesProcessed: 4, daysCreated: 1, daysUnchanged: 1 });
  });

  test('an overnight shift is rebuilt as one record with its clock-out after midnight', async () => {
    const overnight = rulesFromSettings({
      WORK_START_TIME: '20:00',
      WORK_END_TIME: '05:00',
      OVERNIGHT_SHIFT: 'true',
      OVERNIGHT_SHIFT_BUFFER_HOURS: '4',
    });
    await addPunches(db.sql, office, [
      ['EMP003', '2025-11-11T20:00:00'],
      ['EMP003', '2025-11-12T05:05:00'],
      ['EMP003', '2025-11-12T20:01:00'],
    ]);

    const result = await processDateRange(db.sql, overnight, {
      startDate: '2025-11-11',
      endDate: '2025-11-11',
      logger: silentLogger,
    });

    expect(result).toMatchObject({ punchesProcessed: 2, daysCreated: 1 });
    expect(await storedDays(db.sql)).toEqual([
      expect.objectContaining({
        date: '2025-11-11',
        clockInLocal: '2025-11-11T20:00:00',
        clockOutLocal: '2025-11-12T05:05:00',
      }),
    ]);
  });

  test('reports progress per day and resumes after the last finished one', async () => {
    await threeDays();
    const progress: RangeProgress[] = [];

    await processDateRange(db.sql, rules, {
      startDate: '2025-11-10',
      endDate: '2025-11-12',
      logger: silentLogger,
      onProgress: (p) => progress.push(p),
    });
    expect(progress.map((p) => [p.doneThrough, p.counts.daysCreated])).toEqual([
      ['2025-11-10', 2],
      ['2025-11-11', 4],
      ['2025-11-12', 6],
    ]);

    // A retried activity starts after the day its last heartbeat named, keeping the counts so far.
    await clearAttendance(db.sql);
    await threeDays();
    const resumed = await processDateRange(db.sql, rules, {
      startDate: '2025-11-10',
      endDate: '2025-11-12',
      logger: silentLogger,
      resumeFrom: progress[0],
    });
    expect(resumed).toMatchObject({ daysCreated: 2 + 4, punchesProcessed: 4 + 8 });
    expect((await storedDays(db.sql)).map((d) => d.date)).not.toContain('2025-11-10');
  });

  test('nothing stored in the range: nothing to do', async () => {
    await threeDays();
    expect(
      await processDateRange(db.sql, rules, {
        startDate: '2026-01-01',
        endDate: '2026-01-31',
        logger: silentLogger,
      }),
    ).toMatchObject({ punchesProcessed: 0, daysCreated: 0 });
  });

  test.each([
    [{ startDate: '2025-11-31' }, 'start date "2025-11-31" is not a date like 2025-11-11'],
    [{ endDate: '11/12/2025' }, 'end date "11/12/2025" is not a date like 2025-11-11'],
    [
      { startDate: '2025-11-12', endDate: '2025-11-11' },
      'start date 2025-11-12 is after end date 2025-11-11',
    ],
  ])('refuses %j', async (range, message) => {
    const attempt = processDateRange(db.sql, rules, { ...range, logger: silentLogger });
    await expect(attempt).rejects.toThrow(ConfigurationError);
    await expect(attempt).rejects.toThrow(message);
  });
});

describe('records whose punches retention removed', () => {
  test('are kept as they are; a late punch for such a day is reported, not applied', async () => {
    const [clockIn] = await addPunches(db.sql, office, [
      ['EMP001', '2025-08-01T08:00:00'],
      ['EMP001', '2025-08-01T17:00:00'],
    ]);
    await pending();
    await markAllDelivered(db.sql);
    const delivered = await storedDay(db.sql, 'EMP001', '2025-08-01');
    await db.sql`delete from raw_punches where id = ${clockIn}`;

    const [late] = await addPunches(db.sql, office, [['EMP001', '2025-08-01T18:30:00']]);
    const { logger, messages } = recordingLogger();
    const result = await processPendingPunches(db.sql, rules, { batchSize: 100, logger });

    expect(result).toMatchObject({ punchesProcessed: 1, daysUnchanged: 1, daysRevised: 0, failed: 1 });
    expect(await storedDay(db.sql, 'EMP001', '2025-08-01')).toEqual(delivered);
    expect(messages().join('\n')).toContain(`built from punches ${clockIn}, which are no longer stored`);
    expect(messages().join('\n')).toContain(`punch ${late} (user EMP001`);

    // Rebuilding the range does not rewrite it from what is left either.
    const range = await processDateRange(db.sql, rules, { startDate: '2025-08-01', logger: silentLogger });
    expect(range).toMatchObject({ daysUnchanged: 1, daysRevised: 0 });
    expect(await storedDay(db.sql, 'EMP001', '2025-08-01')).toEqual(delivered);
  });

  test('a day with no stored punches left is not touched by a range run', async () => {
    await addPunches(db.sql, office, [['EMP001', '2025-08-01T08:00:00']]);
    await pending();
    const before = await storedDays(db.sql);
    await db.sql`delete from raw_punches`;

    expect(
      await processDateRange(db.sql, rules, {
        startDate: '2025-08-01',
        endDate: '2025-08-01',
        logger: silentLogger,
      }),
    ).toMatchObject({ punchesProcessed: 0 });
    expect(await storedDays(db.sql)).toEqual(before);
  });
});
