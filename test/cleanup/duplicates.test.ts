import { runCleanup } from '../../lib/cleanup/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { addDevice } from '../support/devices.js';
import { addPunches } from '../support/punches.js';
import { processAll, setDelivery, storedPunchesByUser } from './fixtures.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

// "Remove duplicates" (from the original system) has nothing to do here; these tests hold the reasons.

test('an exact duplicate of a punch cannot be stored: the identity constraint refuses it', async () => {
  const gate = await addDevice(db.sql);
  await addPunches(db.sql, gate, [['EMP7', '2025-06-02T08:00:00']]);
  await expect(
    db.sql`
      insert into raw_punches (device_id, user_id, punched_at_local, punched_at, timezone, verify_type,
        punch_state, source)
      select device_id, user_id, punched_at_local, punched_at, timezone, verify_type, punch_state, source
      from raw_punches where user_id = 'EMP7'`,
  ).rejects.toMatchObject({ code: '23505', constraint_name: 'raw_punches_identity' });
});

test('two punches at one instant under different wall clocks are two device records, and both stay', async () => {
  // A device that missed the spring-forward jump shows 02:30, a time that never happened in Berlin;
  // it resolves to 03:30 CEST, the instant of a punch the device shows as 03:30.
  const berlin = await addDevice(db.sql, { timezone: 'Europe/Berlin' });
  await addPunches(db.sql, berlin, [
    ['EMP8', '2025-03-30T02:30:00'],
    ['EMP8', '2025-03-30T03:30:00'],
  ]);
  const [same] = await db.sql<{ instants: number; rows: number }[]>`
    select count(distinct punched_at)::int as instants, count(*)::int as rows
    from raw_punches where user_id = 'EMP8'`;
  expect(same).toEqual({ instants: 1, rows: 2 });

  await processAll(db.sql);
  await setDelivery(db.sql, 'EMP8', '2025-03-30', 'delivered');
  // Measured from two weeks later, both punches are inside retention: only the duplicate rule could
  // remove one of them, and it must not.
  const counts = await runCleanup(db.sql, {
    retentionDays: 90,
    logRetentionDays: 180,
    now: new Date('2025-04-15T02:00:00Z'),
  });
  expect(counts).toEqual({ punchesDeleted: 0, duplicatesRemoved: 0, pollRunsDeleted: 0, attemptsDeleted: 0 });
  expect((await storedPunchesByUser(db.sql)).EMP8).toBe(2);
});
