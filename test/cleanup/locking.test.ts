import { setTimeout as sleep } from 'node:timers/promises';
import { runCleanup } from '../../lib/cleanup/index.js';
import { lockUsersForProcessing } from '../../lib/db/punchProcessing.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { addDevice } from '../support/devices.js';
import { addPunches } from '../support/punches.js';
import { dayOf, processAll, setDelivery, storedPunchesByUser } from './fixtures.js';

const now = new Date('2026-03-01T02:00:00Z');
const options = { retentionDays: 90, logRetentionDays: 180, now };

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  const gate = await addDevice(db.sql);
  await addPunches(db.sql, gate, [
    ['RACE', '2025-11-03T08:00:00'],
    ['RACE', '2025-11-03T17:00:00'],
  ]);
  await processAll(db.sql);
  await setDelivery(db.sql, 'RACE', '2025-11-03', 'delivered');
});
afterAll(async () => {
  await db?.drop();
});

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Waits until some session of this database waits for an advisory lock (a hang guard, not a timing). */
async function untilSomeoneWaitsForALock(): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const [row] = await db.sql<{ waiting: number }[]>`
      select count(*)::int as waiting from pg_stat_activity
      where datname = current_database() and wait_event_type = 'Lock' and wait_event = 'advisory'`;
    if (row.waiting > 0) return;
    await sleep(20);
  }
  throw new Error('nobody waited for the processing lock');
}

test('a day processing revises while the cleanup waits for its lock keeps its punches', async () => {
  const locked = deferred();
  const proceed = deferred();
  // Stands in for a processing batch that reopens the day: it holds the user's lock while it writes.
  const processing = db.sql.begin(async (tx) => {
    await lockUsersForProcessing(tx, ['RACE']);
    locked.resolve();
    await proceed.promise;
    await tx`
      update attendance_days set revision = revision + 1, delivery_status = 'pending'
      where user_id = 'RACE'`;
  });
  await locked.promise;

  const cleanup = runCleanup(db.sql, options);
  await untilSomeoneWaitsForALock();
  proceed.resolve();
  await processing;

  expect((await cleanup).punchesDeleted).toBe(0);
  expect(await storedPunchesByUser(db.sql)).toEqual({ RACE: 2 });
  expect(await dayOf(db.sql, 'RACE', '2025-11-03')).toMatchObject({ revision: 2, deliveryStatus: 'pending' });
});
