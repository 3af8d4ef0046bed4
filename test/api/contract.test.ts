import { createCrmClient } from '../../lib/crm/client.js';
import { DeviceSimulator } from '../../lib/zk/simulator/index.js';
import { type CrmServer, startCrmServer } from '../support/crmServer.js';
import { type ApiHarness, keyNames, keysOf, startApiHarness } from './harness.js';
import { ORIGINAL_DAY_FIELDS, ORIGINAL_DEVICE_FIELDS, ORIGINAL_PUNCH_FIELDS } from './original.js';

// Walks every endpoint of the REST API table in REQUIREMENTS.md in the order an operator would, against
// real PostgreSQL, a real Temporal server with the bridge's workers, an F18 simulator and a local CRM,
// and checks the original system's field names and shapes at each step.

type Body = Record<string, unknown>;

const COMM_KEY = 4242;
const CRM_TOKEN = 'crm-secret-token-123';

let api: ApiHarness;
let simulator: DeviceSimulator;
let crm: CrmServer;
let deviceId: number;
/** Punches as stored: the device log may hold a byte-identical duplicate, which is one punch. */
let distinctPunches: number;

beforeAll(async () => {
  simulator = await DeviceSimulator.start({
    port: 0,
    commKey: COMM_KEY,
    users: 5,
    punches: 60,
    seed: 'api-contract',
    timezone: 'Africa/Nairobi',
    startDate: '2025-11-03',
  });
  distinctPunches = new Set(simulator.dump().punches.map((p) => `${p.user_id} ${p.timestamp}`)).size;
  crm = await startCrmServer();
  api = await startApiHarness({
    workers: true,
    settings: { CRM_API_URL: crm.url, CRM_API_TOKEN: CRM_TOKEN },
    crm: createCrmClient({ url: crm.url, token: CRM_TOKEN, timeoutMs: 10_000 }),
  });
}, 120_000);
afterAll(async () => {
  await api?.close();
  await simulator?.close();
  await crm?.close();
});

async function call(method: string, path: string, body?: unknown) {
  const response = await api.call(method, path, body === undefined ? {} : { body });
  // No answer of the API ever carries a comm key or a token.
  expect(response.text).not.toContain(CRM_TOKEN);
  expect(response.text).not.toContain(api.token);
  expect(keyNames(response.body)).not.toContain('comm_key');
  return response;
}

test('POST /api/devices/ and GET /api/devices/, /api/devices/{id}/', async () => {
  const created = await call('POST', '/api/devices/', {
    name: 'Main Office',
    ip_address: '127.0.0.1',
    port: simulator.port,
    comm_key: COMM_KEY,
  });
  expect(created.status).toBe(201);
  const device = created.body as Body;
  for (const field of ORIGINAL_DEVICE_FIELDS) {
    expect(device).toHaveProperty(field);
  }
  deviceId = device.id as number;
  expect(device).toMatchObject({
    ip_address: '127.0.0.1',
    port: simulator.port,
    enabled: true,
    last_sync: null,
  });

  const list = (await call('GET', '/api/devices/')).body as Body;
  expect(keysOf(list)).toEqual(['count', 'next', 'previous', 'results']);
  expect(list).toMatchObject({ count: 1, next: null, previous: null });
  expect((await call('GET', `/api/devices/${deviceId}/`)).body).toEqual(device);
});

test('GET /api/devices/{id}/info/: live from the device, through a device worker', async () => {
  const response = await call('GET', `/api/devices/${deviceId}/info/`);
  expect(response.status).toBe(200);
  const info = response.body as Body;
  for (const field of [
    'device_name',
    'ip_address',
    'port',
    'firmware_version',
    'serial_number',
    'platform',
    'user_count',
    'attendance_count',
    'connected',
  ]) {
    expect(info).toHaveProperty(field);
  }
  expect(info).toMatchObject({
    connected: true,
    ip_address: '127.0.0.1',
    port: simulator.port,
    serial_number: simulator.serialNumber,
    user_count: 5,
    attendance_count: 60,
    device_name: 'F18',
    platform: 'ZMM210_TFT',
  });
});

test('POST /api/devices/{id}/poll/: status, total_fetched, new_records, device', async () => {
  const response = await call('POST', `/api/devices/${deviceId}/poll/`);
  expect(response.status).toBe(200);
  expect(response.body).toMatchObject({
    status: 'success',
    total_fetched: 60,
    new_records: distinctPunches,
    device: 'Main Office',
  });
  const device = (await call('GET', `/api/devices/${deviceId}/`)).body as Body;
  expect(device.last_sync).toMatch(/\+03:00$/);
  expect(device.status).toMatchObject({
    serial_number: simulator.serialNumber,
    record_count: 60,
    user_count: 5,
  });

  const users = (await call('GET', `/api/devices/${deviceId}/users/`)).body as Body;
  expect(users.count).toBe(5);
  const status = (await call('GET', `/api/devices/${deviceId}/status/`)).body as Body;
  expect((status.poll_runs as Body[])[0]).toMatchObject({
    status: 'succeeded',
    fetched: 60,
    inserted: distinctPunches,
  });
});

test('POST /api/devices/poll_all/: total_devices, successful, failed, devices[]', async () => {
  const response = await call('POST', '/api/devices/poll_all/');
  expect(response.status).toBe(200);
  const body = response.body as Body;
  expect(body).toMatchObject({ total_devices: 1, successful: 1, failed: 0 });
  expect(body.devices).toEqual([
    expect.objectContaining({ status: 'success', total_fetched: 60, new_records: 0, device: 'Main Office' }),
  ]);
});

test('GET /api/raw-attendance/: the punches with the original fields, filtered', async () => {
  const page = (await call('GET', '/api/raw-attendance/?page_size=10')).body as Body;
  expect(page.count).toBe(distinctPunches);
  expect(page.next).toBe('http://bridge.test/api/raw-attendance/?page_size=10&page=2');
  const [first] = page.results as Body[];
  for (const field of ORIGINAL_PUNCH_FIELDS) {
    expect(first).toHaveProperty(field);
  }
  expect(first.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+03:00$/);
  const userId = first.user_id as string;
  const mine = (await call('GET', `/api/raw-attendance/?user_id=${userId}&device=${deviceId}`)).body as Body;
  expect((mine.results as Body[]).every((p) => p.user_id === userId)).toBe(true);
  const expected = new Set(
    simulator
      .dump()
      .punches.filter((p) => p.user_id === userId)
      .map((p) => p.timestamp),
  ).size;
  expect(mine.count).toBe(expected);
});

test('POST /api/processed-attendance/process/: total_records, processed, outliers, failed', async () => {
  const response = await call('POST', '/api/processed-attendance/process/');
  expect(response.status).toBe(200);
  expect(keysOf(response.body)).toEqual(['failed', 'outliers', 'processed', 'total_records']);
  const result = response.body as Body;
  expect(result.total_records).toBe(distinctPunches);
  expect(result.processed).toBeGreaterThan(0);

  // A date range given in the body rebuilds those days.
  const ranged = await call('POST', '/api/processed-attendance/process/', {
    start_date: '2025-11-03',
    end_date: '2025-11-04',
  });
  expect(ranged.status).toBe(200);
  expect(keysOf(ranged.body)).toEqual(['failed', 'outliers', 'processed', 'total_records']);
  const bad = await call(
    'POST',
    '/api/processed-attendance/process/?start_date=2025-11-05&end_date=2025-11-01',
  );
  expect(bad.status).toBe(400);
});

test('GET /api/processed-attendance/, unsynced/, outliers/, stats/', async () => {
  const list = (await call('GET', '/api/processed-attendance/')).body as Body;
  expect(list.count).toBeGreaterThan(0);
  const [record] = list.results as Body[];
  for (const field of ORIGINAL_DAY_FIELDS) {
    expect(record).toHaveProperty(field);
  }
  expect(record).toMatchObject({ device: deviceId, device_name: 'Main Office', synced_to_crm: false });

  const unsynced = (await call('GET', '/api/processed-attendance/unsynced/?limit=3')).body as Body[];
  expect(unsynced.length).toBe(Math.min(3, list.count as number));

  const outliers = (await call('GET', '/api/processed-attendance/outliers/')).body as Body;
  expect((outliers.results as Body[]).every((d) => d.is_outlier === true)).toBe(true);

  const stats = (await call('GET', '/api/processed-attendance/stats/')).body as Body;
  expect(stats).toMatchObject({ total: list.count, synced: 0, unsynced: list.count, sync_percentage: 0 });
  for (const field of ['total', 'synced', 'unsynced', 'failed', 'sync_percentage']) {
    expect(stats).toHaveProperty(field);
  }
});

test('POST /api/processed-attendance/sync/?limit=N: total, successful, failed, errors[]', async () => {
  const records = ((await call('GET', '/api/processed-attendance/')).body as Body).count as number;
  const first = await call('POST', '/api/processed-attendance/sync/?limit=2');
  expect(first.status).toBe(200);
  expect(first.body).toMatchObject({ total: 2, successful: 2, failed: 0, errors: [] });
  expect(crm.requests).toHaveLength(2);
  expect(crm.requests[0].headers.authorization).toBe(`Token ${CRM_TOKEN}`);

  // The CRM refuses one record: it is reported under the original's error fields.
  let refusedOne = false;
  crm.setBehaviour(() => {
    if (refusedOne) return { status: 201, body: {} };
    refusedOne = true;
    return { status: 422, body: { detail: 'unknown employee' } };
  });
  const rest = await call('POST', '/api/processed-attendance/sync/');
  expect(rest.status).toBe(200);
  const result = rest.body as Body;
  expect(result).toMatchObject({ total: records - 2, successful: records - 3, failed: 1 });
  const errors = result.errors as Body[];
  expect(errors).toHaveLength(1);
  expect(keysOf(errors[0])).toEqual(['date', 'error', 'user_id']);

  const stats = (await call('GET', '/api/processed-attendance/stats/')).body as Body;
  expect(stats).toMatchObject({ total: records, synced: records - 1, unsynced: 1, failed: 1 });
  const synced = (await call('GET', '/api/processed-attendance/?synced_to_crm=true')).body as Body;
  expect(synced.count).toBe(records - 1);
});

test('attempts and redeliver of a refused record', async () => {
  const refused = ((await call('GET', '/api/processed-attendance/?delivery_status=rejected')).body as Body)
    .results as Body[];
  expect(refused).toHaveLength(1);
  const id = refused[0].id as number;
  const attempts = (await call('GET', `/api/processed-attendance/${id}/attempts/`)).body as Body;
  expect(attempts.results).toEqual([expect.objectContaining({ outcome: 'rejected', http_status: 422 })]);

  crm.setBehaviour(() => ({ status: 200, body: {} }));
  const redelivered = await call('POST', `/api/processed-attendance/${id}/redeliver/`);
  expect(redelivered.status).toBe(200);
  expect(redelivered.body).toMatchObject({ total: 1, successful: 1, failed: 0 });
  expect((await call('GET', `/api/processed-attendance/${id}/`)).body).toMatchObject({
    synced_to_crm: true,
    delivery_status: 'delivered',
  });
  const stats = (await call('GET', '/api/processed-attendance/stats/')).body as Body;
  expect(stats).toMatchObject({ unsynced: 0, failed: 0, sync_percentage: 100 });
});

test('PUT, PATCH, and DELETE of a device that has punches', async () => {
  const put = await call('PUT', `/api/devices/${deviceId}/`, {
    name: 'Main Office (east)',
    ip_address: '127.0.0.1',
    port: simulator.port,
  });
  expect(put.status).toBe(200);
  expect((put.body as Body).has_comm_key).toBe(true);
  const patch = await call('PATCH', `/api/devices/${deviceId}/`, { enabled: false });
  expect(patch.body).toMatchObject({ name: 'Main Office (east)', enabled: false });
  const removed = await call('DELETE', `/api/devices/${deviceId}/`);
  expect(removed.status).toBe(409);
  expect(keysOf(removed.body)).toEqual(['error']);
});
