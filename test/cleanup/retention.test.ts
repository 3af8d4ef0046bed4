import { runCleanup } from '../../lib/cleanup/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { addDevice } from '../support/devices.js';
import { addPunches } from '../support/punches.js';
import { dayOf, processAll, setDelivery, storedPunchesByUser } from './fixtures.js';

// Retention 90 days measured from 2026-03-01T02:00Z: punches before 2025-12-01T02:00Z are old.
const now = new Date('2026-03-01T02:00:00Z');
const options = { retentionDays: 90, logRetentionDays: 180, now };
const OLD = '2025-11-03';

const day = (date: string, ...times: string[]): [string, string][] =>
  times.map((time) => ['', `${date}T${time}`] as [string, string]);
const of = (userId: string, punches: [string, string][]) =>
  punches.map(([, wallClock]) => [userId, wallClock] as [string, string]);

/**
 * One user per state a punch can be in; `kept` is how many of the user's punches must survive. A
 * punch goes only when it is old, processed, and its day's current revision is delivered.
 */
const cases: { user: string; state: string; kept: number }[] = [
  { user: 'DELIVERED', state: 'old, processed, day delivered (two days, two devices)', kept: 0 },
  { user: 'PENDING', state: 'old, day never delivered', kept: 2 },
  { user: 'FAILED', state: 'old, day failed', kept: 2 },
  { user: 'REJECTED', state: 'old, day rejected by the CRM', kept: 2 },
  { user: 'REVISED', state: 'old, day revised after delivery (revision 2 pending)', kept: 3 },
  { user: 'RESEND', state: 'old, delivered day queued again by an operator', kept: 2 },
  { user: 'WAITING', state: 'old, delivered day with a late punch not processed yet', kept: 3 },
  { user: 'UNPROCESSED', state: 'old punch not processed', kept: 1 },
  { user: 'UNUSABLE', state: 'old, processed, but no record lists it (the rules refused it)', kept: 1 },
  {
    user: 'SHARED',
    state: 'old, delivered day, but a pending record of the day before lists a punch',
    kept: 2,
  },
  { user: 'STRADDLE', state: 'delivered day with one punch old and one recent', kept: 2 },
  { user: 'RECENT', state: 'recent, day delivered', kept: 2 },
];

async function seed(db: TestDatabase): Promise<void> {
  const gate = await addDevice(db.sql);
  const side = await addDevice(db.sql);
  await addPunches(db.sql, gate, [
    ...of('DELIVERED', day(OLD, '08:00:00', '12:00:00')),
    ...of('DELIVERED', day('2025-11-04', '08:00:00')),
    ...of('PENDING', day(OLD, '08:00:00', '17:00:00')),
    ...of('FAILED', day(OLD, '08:00:00', '17:00:00')),
    ...of('REJECTED', day(OLD, '08:00:00', '17:00:00')),
    ...of('REVISED', day(OLD, '08:00:00', '17:00:00')),
    ...of('RESEND', day(OLD, '08:00:00', '17:00:00')),
    ...of('WAITING', day(OLD, '08:00:00', '17:00:00')),
    ...of('SHARED', day(OLD, '08:00:00', '17:00:00')),
    ...of('STRADDLE', day('2025-12-01', '01:00:00', '09:00:00')),
    ...of('RECENT', day('2026-02-20', '08:00:00', '17:00:00')),
  ]);
  await addPunches(db.sql, side, [
    ...of('DELIVERED', day(OLD, '17:00:00')),
    ...of('DELIVERED', day('2025-11-04', '17:00:00')),
  ]);
  // Stored with an instant that does not match its wall clock: processing refuses it, and marks it processed.
  await addPunches(db.sql, gate, of('UNUSABLE', day(OLD, '10:00:00')), {
    instant: new Date('2025-11-03T15:00:00Z'),
  });
  await processAll(db.sql);

  for (const [user, date] of [
    ['DELIVERED', OLD],
    ['DELIVERED', '2025-11-04'],
    ['REVISED', OLD],
    ['WAITING', OLD],
    ['SHARED', OLD],
    ['STRADDLE', '2025-12-01'],
    ['RECENT', '2026-02-20'],
  ]) {
    await setDelivery(db.sql, user, date, 'delivered');
  }
  await setDelivery(db.sql, 'FAILED', OLD, 'failed');
  await setDelivery(db.sql, 'REJECTED', OLD, 'rejected');
  await setDelivery(db.sql, 'RESEND', OLD, 'resend');

  // What a date-range rebuild under a new day change can leave: the day before, pending, built from
  // SHARED's 08:00 punch, while the old record still lists it.
  await db.sql`
    insert into attendance_days (user_id, date, clock_in, clock_in_local, clock_in_timezone, clock_in_device_id,
      punch_count, device_ids, punch_ids, content_key)
    select user_id, date - 1, clock_in, clock_in_local, clock_in_timezone, clock_in_device_id, 1, device_ids,
      punch_ids[1:1], 'moved'
    from attendance_days where user_id = 'SHARED'`;

  // A late punch reopens REVISED's delivered day: revision 2, pending again.
  await addPunches(db.sql, gate, of('REVISED', day(OLD, '18:30:00')));
  await processAll(db.sql);
  expect(await dayOf(db.sql, 'REVISED', OLD)).toMatchObject({
    revision: 2,
    deliveredRevision: 1,
    deliveryStatus: 'pending',
  });

  // Stored after the last processing run: waiting.
  await addPunches(db.sql, gate, of('WAITING', day(OLD, '07:30:00')));
  await addPunches(db.sql, gate, of('UNPROCESSED', day(OLD, '09:00:00')));
}

describe.each([
  { batchSize: undefined, label: 'default batches' },
  { batchSize: 1, label: 'one punch per batch' },
  { batchSize: 3, label: 'batches of three' },
])('raw punch retention ($label)', ({ batchSize }) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    await seed(db);
  });
  afterAll(async () => {
    await db?.drop();
  });

  test('deletes only old punches of delivered days, and the report counts them', async () => {
    const counts = await runCleanup(db.sql, { ...options, batchSize });
    expect(counts).toEqual({
      punchesDeleted: 5,
      duplicatesRemoved: 0,
      pollRunsDeleted: 0,
      attemptsDeleted: 0,
    });

    const stored = await storedPunchesByUser(db.sql);
    for (const { user, state, kept } of cases) {
      expect({ user, state, kept: stored[user] ?? 0 }).toEqual({ user, state, kept });
    }
    // The records stay, whatever happened to their punches.
    expect(await dayOf(db.sql, 'DELIVERED', OLD)).toMatchObject({ revision: 1, deliveryStatus: 'delivered' });
  });

  test('a second run deletes nothing', async () => {
    expect(await runCleanup(db.sql, { ...options, batchSize })).toEqual({
      punchesDeleted: 0,
      duplicatesRemoved: 0,
      pollRunsDeleted: 0,
      attemptsDeleted: 0,
    });
  });

  test('a punch arriving after its day was cleaned up does not rebuild the record from fewer punches', async () => {
    // Deleting is safe because processing keeps a record whose punches are gone rather than rebuilding
    // it from what is left: here that would turn the delivered 08:00-17:00 day into 11:00 alone.
    const gate = await addDevice(db.sql);
    const [late] = await addPunches(db.sql, gate, of('DELIVERED', day(OLD, '11:00:00')));
    // The run also takes the punches seeded as waiting: WAITING's day is revised, UNPROCESSED gets one.
    const processed = await processAll(db.sql);
    expect(processed).toMatchObject({ punchesProcessed: 3, daysCreated: 1, daysRevised: 1, failed: 1 });
    expect(await dayOf(db.sql, 'DELIVERED', OLD)).toMatchObject({
      revision: 1,
      deliveryStatus: 'delivered',
      clockInLocal: `${OLD}T08:00:00`,
      clockOutLocal: `${OLD}T17:00:00`,
    });
    // The late punch is processed but no record lists it: it stays, for a person to look at.
    expect((await runCleanup(db.sql, { ...options, batchSize })).punchesDeleted).toBe(0);
    const [row] = await db.sql<{ id: string }[]>`select id::text as id from raw_punches where id = ${late}`;
    expect(row?.id).toBe(late);
  });

  test('a day kept for its waiting punch goes once it is reprocessed and delivered again', async () => {
    expect(await dayOf(db.sql, 'WAITING', OLD)).toMatchObject({ revision: 2, deliveryStatus: 'pending' });
    expect((await runCleanup(db.sql, { ...options, batchSize })).punchesDeleted).toBe(0);

    await setDelivery(db.sql, 'WAITING', OLD, 'delivered');
    expect((await runCleanup(db.sql, { ...options, batchSize })).punchesDeleted).toBe(3);
    expect((await storedPunchesByUser(db.sql)).WAITING).toBeUndefined();
  });
});

describe('settings the cleanup refuses', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  test.each([
    [
      'no retention',
      { retentionDays: 0 },
      'cleanup retention must be a whole number of days of at least 1, got 0',
    ],
    [
      'a fractional log retention',
      { logRetentionDays: 1.5 },
      'cleanup log retention must be a whole number of days of at least 1, got 1.5',
    ],
    [
      'a negative batch',
      { batchSize: -1 },
      'cleanup batch size must be a whole number of rows of at least 1, got -1',
    ],
    ['an invalid time', { now: new Date(Number.NaN) }, 'cleanup was given an invalid time'],
  ])('%s', async (_name, override, message) => {
    await expect(runCleanup(db.sql, { ...options, ...override })).rejects.toMatchObject({
      type: 'ConfigurationError',
      message,
    });
  });
});
