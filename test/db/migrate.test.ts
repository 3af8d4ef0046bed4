import { migrate } from '../../lib/db/migrate.js';
import { countPunches, insertPunches, type NewPunch } from '../../lib/db/punches.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { addDevice } from '../support/devices.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

describe('migrations', () => {
  test('applying again changes nothing, also from several processes at once', async () => {
    const results = await Promise.all([migrate(db.sql), migrate(db.sql), migrate(db.sql)]);
    for (const result of results) expect(result.applied).toEqual([]);
    const tables = await db.sql<{ name: string }[]>`
      select table_name as name from information_schema.tables where table_schema = 'public' order by 1`;
    expect(tables.map((t) => t.name)).toEqual(
      expect.arrayContaining([
        'devices',
        'raw_punches',
        'poll_runs',
        'device_users',
        'api_tokens',
        'schema_migrations',
      ]),
    );
  });
});

describe('punch identity', () => {
  const punch = (
    deviceId: number,
    userId: string,
    local: string,
    extra: Partial<NewPunch> = {},
  ): NewPunch => ({
    deviceId,
    userId,
    punchedAtLocal: local,
    punchedAt: new Date(`${local}Z`),
    timezone: 'UTC',
    timeResolution: 'exact',
    verifyType: 1,
    punchState: 0,
    source: 'poll',
    pollRunId: null,
    clockOffsetSeconds: null,
    ...extra,
  });

  test('the same punch read twice, or imported after a poll, is stored once', async () => {
    const a = await addDevice(db.sql);
    const b = await addDevice(db.sql);
    const first = [
      punch(a.id, '1000000049', '2025-11-11T08:15:30'),
      punch(a.id, '1000000049', '2025-11-11T17:30:00'),
      punch(a.id, '1000000049', '2025-11-11T17:30:00'), // byte-identical duplicate in the device log
      punch(b.id, '1000000049', '2025-11-11T08:15:30'), // same person, another terminal: another punch
    ];
    expect(await insertPunches(db.sql, first)).toBe(3);
    expect(await insertPunches(db.sql, first)).toBe(0);
    expect(
      await insertPunches(db.sql, [
        punch(a.id, '1000000049', '2025-11-11T08:15:30', { source: 'import', punchState: 255 }),
      ]),
    ).toBe(0);
    expect(await insertPunches(db.sql, [punch(a.id, '100000004', '2025-11-11T08:15:30')])).toBe(1);
    expect(await countPunches(db.sql)).toBe(4);
  });

  test('large batches are chunked under the parameter limit and counted exactly', async () => {
    const d = await addDevice(db.sql);
    const rows = Array.from({ length: 12_345 }, (_, i) =>
      punch(d.id, `U${i % 100}`, new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString().slice(0, 19)),
    );
    expect(await insertPunches(db.sql, rows)).toBe(12_345);
    expect(await insertPunches(db.sql, rows)).toBe(0);
    expect(await countPunches(db.sql, d.id)).toBe(12_345);
  });
});
