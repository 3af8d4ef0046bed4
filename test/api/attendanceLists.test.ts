import { insertDevice } from '../../lib/db/devices.js';
import { insertPunches, type NewPunch } from '../../lib/db/punches.js';
import { wallClockToInstant } from '../../lib/time/wallclock.js';
import { type ApiHarness, keysOf, startApiHarness } from './harness.js';
import { ORIGINAL_DAY_FIELDS, ORIGINAL_PUNCH_FIELDS } from './original.js';

type Body = Record<string, unknown>;

let api: ApiHarness;
let nairobi: number;
let kolkata: number;
const day: Record<string, number> = {};

function punch(deviceId: number, zone: string, userId: string, local: string, state: number): NewPunch {
  return {
    deviceId,
    userId,
    punchedAtLocal: local,
    punchedAt: wallClockToInstant(local, zone).instant,
    timezone: zone,
    timeResolution: 'exact',
    verifyType: 1,
    punchState: state,
    source: 'poll',
    pollRunId: null,
    clockOffsetSeconds: 0,
  };
}

async function insertDay(
  name: string,
  values: {
    userId: string;
    date: string;
    deviceId: number;
    zone: string;
    clockInLocal: string;
    clockOutLocal: string | null;
    isOutlier?: boolean;
    outlierReason?: string;
    flags?: string[];
    revision?: number;
    deliveryStatus?: string;
    deliveredRevision?: number | null;
    syncAttempts?: number;
  },
): Promise<void> {
  const clockIn = wallClockToInstant(values.clockInLocal, values.zone).instant;
  const clockOut = values.clockOutLocal
    ? wallClockToInstant(values.clockOutLocal, values.zone).instant
    : null;
  const [row] = await api.db.sql<{ id: number }[]>`
    insert into attendance_days (
      user_id, date, clock_in, clock_in_local, clock_in_timezone, clock_in_device_id,
      clock_out, clock_out_local, clock_out_timezone, clock_out_device_id,
      punch_count, device_ids, punch_ids, is_outlier, outlier_reason, flags, content_key,
      revision, delivery_status, delivered_revision, sync_attempts, last_sync_attempt)
    values (
      ${values.userId}, ${values.date}, ${clockIn}, ${values.clockInLocal}, ${values.zone}, ${values.deviceId},
      ${clockOut}, ${values.clockOutLocal}, ${clockOut ? values.zone : null}, ${clockOut ? values.deviceId : null},
      ${clockOut ? 2 : 1}, ${[values.deviceId]}, ${[]}, ${values.isOutlier ?? false},
      ${values.outlierReason ?? ''}, ${values.flags ?? []}, ${`key-${name}`},
      ${values.revision ?? 1}, ${values.deliveryStatus ?? 'pending'}, ${values.deliveredRevision ?? null},
      ${values.syncAttempts ?? 0}, ${values.syncAttempts ? new Date('2025-11-12T10:00:00Z') : null})
    returning id`;
  day[name] = row.id;
}

beforeAll(async () => {
  api = await startApiHarness();
  const sql = api.db.sql;
  nairobi = (
    await insertDevice(sql, {
      name: 'Main Office',
      host: '10.0.0.1',
      port: 4370,
      commKey: 0,
      timezone: 'Africa/Nairobi',
    })
  ).id;
  kolkata = (
    await insertDevice(sql, {
      name: 'Pune Gate',
      host: '10.0.0.2',
      port: 4370,
      commKey: 0,
      timezone: 'Asia/Kolkata',
    })
  ).id;
  await insertPunches(sql, [
    punch(nairobi, 'Africa/Nairobi', '7', '2025-11-11T08:15:30', 0),
    punch(nairobi, 'Africa/Nairobi', '7', '2025-11-11T17:30:00', 1),
    punch(nairobi, 'Africa/Nairobi', '7', '2025-11-12T09:00:00', 0),
    // 00:30 on the 12th in Pune is still the 11th in UTC: dated by the device, the 12th.
    punch(kolkata, 'Asia/Kolkata', '8', '2025-11-12T00:30:00', 255),
  ]);
  await insertDay('synced', {
    userId: '7',
    date: '2025-11-11',
    deviceId: nairobi,
    zone: 'Africa/Nairobi',
    clockInLocal: '2025-11-11T08:15:30',
    clockOutLocal: '2025-11-11T17:30:00',
    deliveryStatus: 'delivered',
    deliveredRevision: 1,
    syncAttempts: 1,
  });
  await insertDay('open', {
    userId: '7',
    date: '2025-11-12',
    deviceId: nairobi,
    zone: 'Africa/Nairobi',
    clockInLocal: '2025-11-12T09:00:00',
    clockOutLocal: null,
    flags: ['Missing clock-out'],
  });
  await insertDay('failed', {
    userId: '8',
    date: '2025-11-12',
    deviceId: kolkata,
    zone: 'Asia/Kolkata',
    clockInLocal: '2025-11-12T00:30:00',
    clockOutLocal: null,
    isOutlier: true,
    outlierReason: 'Clock-in too early',
    deliveryStatus: 'failed',
    syncAttempts: 3,
  });
  await insertDay('revised', {
    userId: '9',
    date: '2025-11-10',
    deviceId: nairobi,
    zone: 'Africa/Nairobi',
    clockInLocal: '2025-11-10T08:00:00',
    clockOutLocal: '2025-11-10T22:00:00',
    isOutlier: true,
    outlierReason: 'Clock-out too late',
    revision: 2,
    deliveredRevision: 1,
  });
  for (const attempt of [1, 2, 3]) {
    await sql`
      insert into delivery_attempts (attendance_day_id, revision, attempt, idempotency_key, duration_ms, outcome, http_status, error)
      values (${day.failed}, 1, ${attempt}, ${`idem-${attempt}`}, 120, 'transient', 503, 'CRM answered 503')`;
  }
});
afterAll(async () => {
  await api.close();
});

const get = async (path: string) => {
  const response = await api.call('GET', path);
  return { status: response.status, body: response.body as Body };
};
const results = (body: Body) => body.results as Body[];

describe('GET /api/raw-attendance/', () => {
  test('the original fields plus ours; timestamp with the device zone offset; status = punch state', async () => {
    const { status, body } = await get(`/api/raw-attendance/?user_id=8`);
    expect(status).toBe(200);
    expect(keysOf(body)).toEqual(['count', 'next', 'previous', 'results']);
    expect(body.count).toBe(1);
    const [item] = results(body);
    expect(keysOf(item)).toEqual([...ORIGINAL_PUNCH_FIELDS, 'local_time', 'timezone', 'source'].sort());
    expect(item).toMatchObject({
      device: kolkata,
      device_name: 'Pune Gate',
      user_id: '8',
      timestamp: '2025-11-12T00:30:00+05:30',
      status: 255,
      punch_state: 255,
      verify_type: 1,
      local_time: '2025-11-12T00:30:00',
      timezone: 'Asia/Kolkata',
      source: 'poll',
    });
    expect((await get(`/api/raw-attendance/${item.id}/`)).body).toEqual(item);
  });

  test.each([
    ['', 4],
    // Empty filters are no filters, as the original's were.
    ['?device=&user_id=&start_date=&page=', 4],
    ['?device=DEV_A', 3],
    ['?device=DEV_B', 1],
    ['?user_id=7', 3],
    ['?user_id=nobody', 0],
    // Dates are the device's wall-clock dates.
    ['?start_date=2025-11-12', 2],
    ['?end_date=2025-11-11', 2],
    ['?start_date=2025-11-11&end_date=2025-11-11&user_id=7', 2],
    ['?start_date=2025-11-12&end_date=2025-11-12&device=DEV_B', 1],
  ])('filter %s -> %i punches', async (query, count) => {
    const path = `/api/raw-attendance/${query.replace('DEV_A', String(nairobi)).replace('DEV_B', String(kolkata))}`;
    const { status, body } = await get(path);
    expect(status).toBe(200);
    expect(body.count).toBe(count);
    expect(results(body)).toHaveLength(count);
  });

  test('newest first by default; ordering by local time and user', async () => {
    const newest = results((await get('/api/raw-attendance/')).body).map((p) => p.timestamp as string);
    const instants = newest.map((t) => Date.parse(t));
    expect(instants).toEqual([...instants].sort((a, b) => b - a));
    const byLocal = results((await get('/api/raw-attendance/?ordering=local_time')).body).map(
      (p) => p.local_time,
    );
    expect(byLocal).toEqual([...byLocal].sort());
    expect((await get('/api/raw-attendance/?ordering=-user_id,timestamp')).status).toBe(200);
    expect((await get('/api/raw-attendance/?ordering=processed_at')).status).toBe(400);
  });

  test.each([
    ['?start_date=2025-02-30', 'start_date'],
    ['?end_date=11/12/2025', 'end_date'],
    ['?start_date=2025-11-12&end_date=2025-11-11', 'start_date'],
    ['?device=0', 'device'],
    ['?device=abc', 'device'],
    ['?user_id=%00', 'user_id'],
    ['?page=-1', 'page'],
  ])('%s -> 400 naming %s', async (query, field) => {
    const { status, body } = await get(`/api/raw-attendance/${query}`);
    expect(status).toBe(400);
    expect(body.error).toMatch(new RegExp(`^${field}: `));
  });
});

describe('GET /api/processed-attendance/', () => {
  const OURS = ['revision', 'delivery_status', 'delivered_revision', 'flags', 'punch_count', 'devices'];

  test('the original fields plus ours, newest day first, then by user', async () => {
    const { status, body } = await get('/api/processed-attendance/');
    expect(status).toBe(200);
    expect(body.count).toBe(4);
    const items = results(body);
    expect(items.map((d) => d.id)).toEqual([day.open, day.failed, day.synced, day.revised]);
    for (const item of items) expect(keysOf(item)).toEqual([...ORIGINAL_DAY_FIELDS, ...OURS].sort());
    const failed = items[1];
    expect(failed).toMatchObject({
      device: kolkata,
      device_name: 'Pune Gate',
      user_id: '8',
      date: '2025-11-12',
      clock_in: '2025-11-12T00:30:00+05:30',
      clock_out: null,
      is_outlier: true,
      outlier_reason: 'Clock-in too early',
      synced_to_crm: false,
      sync_attempts: 3,
      last_sync_attempt: '2025-11-12T13:00:00+03:00',
      delivery_status: 'failed',
      revision: 1,
      delivered_revision: null,
      devices: [kolkata],
    });
    expect(items[2]).toMatchObject({ synced_to_crm: true, clock_out: '2025-11-11T17:30:00+03:00' });
    // Delivered once, then revised: the CRM does not have the current revision.
    expect(items[3]).toMatchObject({ synced_to_crm: false, revision: 2, delivered_revision: 1 });
    expect((await get(`/api/processed-attendance/${day.open}/`)).body).toEqual(items[0]);
    expect((await get('/api/processed-attendance/2147483647/')).status).toBe(404);
  });

  test.each([
    ['?is_outlier=&synced_to_crm=&user_id=&end_date=&ordering=', ['open', 'failed', 'synced', 'revised']],
    ['?is_outlier=true', ['failed', 'revised']],
    ['?is_outlier=1', ['failed', 'revised']],
    ['?is_outlier=False', ['open', 'synced']],
    ['?synced_to_crm=false', ['open', 'failed', 'revised']],
    ['?synced_to_crm=True', ['synced']],
    ['?user_id=7', ['open', 'synced']],
    ['?start_date=2025-11-11&end_date=2025-11-11', ['synced']],
    ['?start_date=2025-11-12', ['open', 'failed']],
    ['?end_date=2025-11-10', ['revised']],
    ['?delivery_status=failed', ['failed']],
    ['?is_outlier=true&synced_to_crm=0&user_id=9', ['revised']],
  ])('filter %s', async (query, expected) => {
    const { status, body } = await get(`/api/processed-attendance/${query}`);
    expect(status).toBe(200);
    expect(results(body).map((d) => d.id)).toEqual(expected.map((name) => day[name]));
  });

  test.each([
    ['?is_outlier=maybe', 'is_outlier'],
    ['?synced_to_crm=yes', 'synced_to_crm'],
    ['?start_date=2025-11-31', 'start_date'],
    ['?start_date=2025-11-12&end_date=2025-11-01', 'start_date'],
    ['?delivery_status=lost', 'delivery_status'],
    ['?ordering=content_key', 'ordering'],
    ['?page_size=5000', 'page_size'],
  ])('%s -> 400 naming %s', async (query, field) => {
    const { status, body } = await get(`/api/processed-attendance/${query}`);
    expect(status).toBe(400);
    expect(keysOf(body)).toEqual(['error']);
    expect(body.error).toMatch(new RegExp(`^${field}: `));
  });

  test('ordering and pages', async () => {
    const bySync = results((await get('/api/processed-attendance/?ordering=-synced_to_crm,id')).body);
    expect(bySync[0].id).toBe(day.synced);
    const byClockIn = results((await get('/api/processed-attendance/?ordering=clock_in')).body);
    const instants = byClockIn.map((d) => Date.parse(d.clock_in as string));
    expect(instants).toEqual([...instants].sort((a, b) => a - b));

    const first = (await get('/api/processed-attendance/?page_size=3&ordering=id')).body;
    expect(first.next).toBe('http://bridge.test/api/processed-attendance/?page_size=3&ordering=id&page=2');
    const second = (await get(`${new URL(first.next as string).pathname}?page_size=3&ordering=id&page=2`))
      .body;
    expect(results(second)).toHaveLength(1);
    expect(second.previous).toBe('http://bridge.test/api/processed-attendance/?page_size=3&ordering=id');
    const seen = [...results(first), ...results(second)].map((d) => d.id);
    expect(new Set(seen).size).toBe(4);
  });

  test('outliers: a page of outlier records, with the same filters', async () => {
    const { body } = await get('/api/processed-attendance/outliers/');
    expect(keysOf(body)).toEqual(['count', 'next', 'previous', 'results']);
    expect(results(body).map((d) => d.id)).toEqual([day.failed, day.revised]);
    const mine = (await get('/api/processed-attendance/outliers/?user_id=9')).body;
    expect(results(mine).map((d) => d.id)).toEqual([day.revised]);
  });

  test('unsynced: up to limit records the CRM lacks, oldest first, as a list', async () => {
    const all = await get('/api/processed-attendance/unsynced/');
    expect(all.status).toBe(200);
    expect(Array.isArray(all.body)).toBe(true);
    const ids = (all.body as unknown as Body[]).map((d) => d.id);
    expect(ids).toEqual([day.revised, day.open, day.failed]);
    const two = (await get('/api/processed-attendance/unsynced/?limit=2')).body as unknown as Body[];
    expect(two.map((d) => d.id)).toEqual([day.revised, day.open]);
    for (const limit of ['0', '1001', 'ten', '-1']) {
      expect((await get(`/api/processed-attendance/unsynced/?limit=${limit}`)).status).toBe(400);
    }
  });

  test('stats: the original counts', async () => {
    const { status, body } = await get('/api/processed-attendance/stats/');
    expect(status).toBe(200);
    expect(body).toMatchObject({ total: 4, synced: 1, unsynced: 3, failed: 1, sync_percentage: 25 });
  });

  test('attempts: every delivery attempt of a record, paged', async () => {
    const { status, body } = await get(`/api/processed-attendance/${day.failed}/attempts/?page_size=2`);
    expect(status).toBe(200);
    expect(body.count).toBe(3);
    expect(results(body).map((a) => a.attempt)).toEqual([1, 2]);
    expect(results(body)[0]).toMatchObject({
      outcome: 'transient',
      http_status: 503,
      error: 'CRM answered 503',
    });
    expect(body.next).toContain('page=2');
    expect((await get(`/api/processed-attendance/${day.synced}/attempts/`)).body.count).toBe(0);
    expect((await get('/api/processed-attendance/2147483647/attempts/')).status).toBe(404);
  });
});
