import { insertPunches } from '../../lib/db/punches.js';
import { importAttlog } from '../../lib/devices/import.js';
import { toPunches } from '../../lib/devices/punches.js';
import { NotFoundError } from '../../lib/errors.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { addDevice } from '../support/devices.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

test('an import and a poll of the same punches meet on one identity', async () => {
  const device = await addDevice(db.sql, { name: 'Gate', timezone: 'Asia/Kolkata' });
  const polled = toPunches(
    [
      {
        userId: '42',
        time: { year: 2025, month: 11, day: 11, hour: 9, minute: 0, second: 5 },
        verifyType: 1,
        state: 0,
      },
    ],
    { deviceId: device.id, timezone: device.timezone, pollRunId: null, clockOffsetSeconds: 0 },
  );
  expect(await insertPunches(db.sql, polled.punches)).toBe(1);

  const file = [
    '42\t2025-11-11 09:00:05\t0\t1\t0\t0',
    '42\t2025-11-11 18:02:00\t1\t1\t0\t0',
    'not a punch',
  ].join('\n');
  const result = await importAttlog(db.sql, device.id, file);
  expect(result).toMatchObject({ lines: 3, valid: 2, inserted: 1, alreadyStored: 1 });
  expect(result.problems).toEqual([{ line: 3, message: expect.stringMatching(/tab-separated/) }]);
  expect(await importAttlog(db.sql, device.id, file)).toMatchObject({ inserted: 0, alreadyStored: 2 });

  const rows = await db.sql<{ source: string; instant: Date }[]>`
    select source, punched_at as instant from raw_punches where device_id = ${device.id} order by punched_at`;
  expect(rows.map((r) => r.source)).toEqual(['poll', 'import']);
  // Kolkata is UTC+05:30.
  expect(rows[1].instant.toISOString()).toBe('2025-11-11T12:32:00.000Z');
});

test('an unknown device is a clear error', async () => {
  await expect(importAttlog(db.sql, 999_999, '1\t2025-11-11 08:00:00')).rejects.toThrow(NotFoundError);
});
