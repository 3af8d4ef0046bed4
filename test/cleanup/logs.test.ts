import { runCleanup } from '../../lib/cleanup/index.js';
import type { Sql } from '../../lib/db/connection.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { addDevice } from '../support/devices.js';
import { addPunches } from '../support/punches.js';
import { processAll } from './fixtures.js';

const now = new Date('2026-03-01T02:00:00Z');
const options = { retentionDays: 90, logRetentionDays: 180, now };
const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000);

async function addPollRun(sql: Sql, deviceId: number, ageDays: number, status: string): Promise<number> {
  const [row] = await sql<{ id: number }[]>`
    insert into poll_runs (device_id, started_at, finished_at, status)
    values (${deviceId}, ${daysAgo(ageDays)}, ${daysAgo(ageDays)}, ${status})
    returning id`;
  return row.id;
}

async function addAttempt(sql: Sql, dayId: number, ageDays: number, outcome: string): Promise<number> {
  const [row] = await sql<{ id: number }[]>`
    insert into delivery_attempts
      (attendance_day_id, revision, attempt, idempotency_key, attempted_at, duration_ms, outcome)
    values (${dayId}, 1, 1, ${`key-${dayId}-${ageDays}`}, ${daysAgo(ageDays)}, 5, ${outcome})
    returning id`;
  return row.id;
}

async function remainingIds(sql: Sql, table: 'poll_runs' | 'delivery_attempts'): Promise<number[]> {
  const rows = await sql<{ id: number }[]>`select id from ${sql(table)} order by id`;
  return rows.map((row) => row.id);
}

describe.each([
  { batchSize: undefined, label: 'default batches' },
  { batchSize: 1, label: 'one row per batch' },
])('log pruning ($label)', ({ batchSize }) => {
  let db: TestDatabase;
  const keptRuns: number[] = [];
  const keptAttempts: number[] = [];
  let linkedPunch = '';

  beforeAll(async () => {
    db = await createTestDatabase();
    const sql = db.sql;
    const [a, b, c, d] = [
      await addDevice(sql),
      await addDevice(sql),
      await addDevice(sql),
      await addDevice(sql),
    ];
    // a: three old runs go, the recent one stays.
    const aOld = await addPollRun(sql, a.id, 400, 'succeeded');
    await addPollRun(sql, a.id, 200, 'failed');
    await addPollRun(sql, a.id, 181, 'succeeded');
    keptRuns.push(await addPollRun(sql, a.id, 10, 'succeeded'));
    // b: only old runs; the newest of them stays.
    await addPollRun(sql, b.id, 300, 'succeeded');
    keptRuns.push(await addPollRun(sql, b.id, 250, 'failed'));
    // c: one ancient run, the only one it has: it stays.
    keptRuns.push(await addPollRun(sql, c.id, 1000, 'succeeded'));
    // d: two runs started in the same instant: the later id is the newest.
    await addPollRun(sql, d.id, 500, 'succeeded');
    keptRuns.push(await addPollRun(sql, d.id, 500, 'succeeded'));

    // A recent punch read by a pruned poll run stays; it just no longer points at the run.
    [linkedPunch] = await addPunches(sql, a, [['EMP1', '2026-02-20T08:00:00']], { pollRunId: aOld });
    await addPunches(sql, a, [
      ['EMP1', '2026-02-21T08:00:00'],
      ['EMP2', '2026-02-21T08:00:00'],
      ['EMP3', '2026-02-21T08:00:00'],
    ]);
    await processAll(sql);
    const days = await sql<{ id: number }[]>`select id from attendance_days order by user_id, date`;
    const [x, y, z] = days.slice(1).map((day) => day.id);
    // x: two old failures go, the old success (its newest) stays.
    await addAttempt(sql, x, 300, 'transient');
    await addAttempt(sql, x, 250, 'transient');
    keptAttempts.push(await addAttempt(sql, x, 200, 'delivered'));
    // y: a single old attempt stays.
    keptAttempts.push(await addAttempt(sql, y, 400, 'rejected'));
    // z: the old attempt goes, the recent one stays.
    await addAttempt(sql, z, 190, 'transient');
    keptAttempts.push(await addAttempt(sql, z, 5, 'delivered'));
  });
  afterAll(async () => {
    await db?.drop();
  });

  test('deletes old rows but never the newest per device or per record', async () => {
    const counts = await runCleanup(db.sql, { ...options, batchSize });
    expect(counts).toEqual({
      punchesDeleted: 0,
      duplicatesRemoved: 0,
      pollRunsDeleted: 5,
      attemptsDeleted: 3,
    });
    expect(await remainingIds(db.sql, 'poll_runs')).toEqual(keptRuns.sort((p, q) => p - q));
    expect(await remainingIds(db.sql, 'delivery_attempts')).toEqual(keptAttempts.sort((p, q) => p - q));
    const [punch] = await db.sql<{ pollRunId: number | null }[]>`
      select poll_run_id as "pollRunId" from raw_punches where id = ${linkedPunch}`;
    expect(punch).toEqual({ pollRunId: null });
  });

  test('tallies what it removed by status and outcome', async () => {
    const rows = await db.sql<{ subject: string; label: string; removed: number }[]>`
      select subject, label, removed from cleanup_totals order by subject, label`;
    expect(rows).toEqual([
      { subject: 'delivery_attempts', label: 'transient', removed: 3 },
      { subject: 'poll_runs', label: 'failed', removed: 1 },
      { subject: 'poll_runs', label: 'succeeded', removed: 4 },
    ]);
  });

  test('a second run deletes nothing and tallies nothing more', async () => {
    expect(await runCleanup(db.sql, { ...options, batchSize })).toEqual({
      punchesDeleted: 0,
      duplicatesRemoved: 0,
      pollRunsDeleted: 0,
      attemptsDeleted: 0,
    });
    const [row] = await db.sql<{ total: number }[]>`select sum(removed)::int as total from cleanup_totals`;
    expect(row.total).toBe(8);
  });
});
