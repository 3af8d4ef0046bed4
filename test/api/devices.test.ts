import { addPunches } from '../support/punches.js';
import { type ApiHarness, keyNames, keysOf, startApiHarness } from './harness.js';
import { ORIGINAL_DEVICE_FIELDS } from './original.js';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApiHarness();
});
afterAll(async () => {
  await api.close();
});

const COMM_KEY = 987_654_321;
type Body = Record<string, unknown>;

async function addDevice(overrides: Body = {}): Promise<Body> {
  const response = await api.call('POST', '/api/devices/', {
    body: { name: 'Main Office', ip_address: '192.168.1.100', ...overrides },
  });
  expect(response.status).toBe(201);
  return response.body as Body;
}

describe('device CRUD', () => {
  test('create applies the defaults from the settings and returns the original fields plus ours', async () => {
    const device = await addDevice({ ip_address: '10.1.0.1', comm_key: COMM_KEY });
    expect(keysOf(device)).toEqual(
      [
        ...ORIGINAL_DEVICE_FIELDS,
        'timezone',
        'task_queue',
        'clear_log_after_download',
        'has_comm_key',
        'status',
        'transport',
        'serial_number',
        'push',
      ].sort(),
    );
    expect(device).toMatchObject({
      name: 'Main Office',
      ip_address: '10.1.0.1',
      port: 4370,
      enabled: true,
      last_sync: null,
      timezone: 'Africa/Nairobi',
      task_queue: null,
      clear_log_after_download: false,
      has_comm_key: true,
    });
    expect(device.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+03:00$/);
    expect(keysOf(device.status)).toEqual(
      [
        'serial_number',
        'firmware_version',
        'platform',
        'reported_name',
        'user_count',
        'record_count',
        'record_capacity',
        'capacity_warning',
        'clock_offset_seconds',
        'last_poll_at',
        'last_success_at',
        'last_error',
        'last_error_at',
        'consecutive_failures',
      ].sort(),
    );
  });

  test('the comm key is write-only: stored, never returned by any device route', async () => {
    const device = await addDevice({ ip_address: '10.1.0.2', comm_key: COMM_KEY });
    const [row] = await api.db.sql<
      { commKey: number }[]
    >`select comm_key as "commKey" from devices where id = ${device.id as number}`;
    expect(row.commKey).toBe(COMM_KEY);
    for (const path of [
      '/api/devices/',
      `/api/devices/${device.id}/`,
      `/api/devices/${device.id}/status/`,
      `/api/devices/${device.id}/users/`,
    ]) {
      const response = await api.call('GET', path);
      expect(response.status).toBe(200);
      expect(response.text).not.toContain(String(COMM_KEY));
      expect(keyNames(response.body)).not.toEqual(expect.arrayContaining(['comm_key']));
      expect(keyNames(response.body)).not.toEqual(expect.arrayContaining(['commKey']));
    }
    // A PATCH without comm_key keeps it; one with 0 clears it.
    await api.call('PATCH', `/api/devices/${device.id}/`, { body: { name: 'Renamed' } });
    const [kept] = await api.db.sql<
      { commKey: number }[]
    >`select comm_key as "commKey" from devices where id = ${device.id as number}`;
    expect(kept.commKey).toBe(COMM_KEY);
    const cleared = await api.call('PATCH', `/api/devices/${device.id}/`, { body: { comm_key: 0 } });
    expect(cleared.body).toMatchObject({ has_comm_key: false, name: 'Renamed' });
  });

  test('get, put, patch; put needs name and ip_address; unknown fields are refused', async () => {
    const device = await addDevice({ ip_address: '10.1.0.3' });
    const id = device.id as number;
    expect((await api.call('GET', `/api/devices/${id}/`)).body).toEqual(device);

    const put = await api.call('PUT', `/api/devices/${id}/`, {
      body: { name: 'Gate', ip_address: 'gate.example.lan', port: '4371', enabled: 'false' },
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      name: 'Gate',
      ip_address: 'gate.example.lan',
      port: 4371,
      enabled: false,
    });

    const incomplete = await api.call('PUT', `/api/devices/${id}/`, { body: { name: 'Only a name' } });
    expect(incomplete.status).toBe(400);
    expect((incomplete.body as Body).error).toMatch(/ip_address/);

    const patch = await api.call('PATCH', `/api/devices/${id}/`, {
      body: { timezone: 'Asia/Kolkata', task_queue: 'site-b', clear_log_after_download: true },
    });
    expect(patch.body).toMatchObject({
      name: 'Gate',
      timezone: 'Asia/Kolkata',
      task_queue: 'site-b',
      clear_log_after_download: true,
    });

    const unknown = await api.call('PATCH', `/api/devices/${id}/`, {
      body: { name: 'X', firmware_version: 'S' },
    });
    expect(unknown.status).toBe(400);
    expect((unknown.body as Body).error).toMatch(/firmware_version/);
  });

  test.each([
    [{ name: 'A', ip_address: '10.9.9.9', port: 0 }, 'port'],
    [{ name: 'A', ip_address: '10.9.9.9', port: 65_536 }, 'port'],
    [{ name: 'A', ip_address: '10.9.9.9', port: 4370.5 }, 'port'],
    [{ name: 'A', ip_address: 'not a host!' }, 'ip_address'],
    [{ name: 'A', ip_address: '999.1.1.1.1' }, 'ip_address'],
    [{ name: '', ip_address: '10.9.9.9' }, 'name'],
    [{ name: 'A\u0000B', ip_address: '10.9.9.9' }, 'name'],
    [{ name: 'A', ip_address: '10.9.9.9', timezone: '+03:00' }, 'timezone'],
    [{ name: 'A', ip_address: '10.9.9.9', enabled: 'maybe' }, 'enabled'],
    [{ name: 'A', ip_address: '10.9.9.9', comm_key: -1 }, 'comm_key'],
    [{ ip_address: '10.9.9.9' }, 'name'],
  ])('create with %j -> 400 naming %s', async (body, field) => {
    const response = await api.call('POST', '/api/devices/', { body });
    expect(response.status).toBe(400);
    expect(keysOf(response.body)).toEqual(['error']);
    expect((response.body as Body).error).toContain(field);
  });

  test('bodies that are not JSON objects are refused with 400 or 415, never 500', async () => {
    expect((await api.call('POST', '/api/devices/', { rawBody: '{"name": ' })).status).toBe(400);
    expect((await api.call('POST', '/api/devices/', { body: [1, 2] })).status).toBe(400);
    expect((await api.call('POST', '/api/devices/', { body: null })).status).toBe(400);
    const text = await api.call('POST', '/api/devices/', { rawBody: 'name=a', contentType: 'text/plain' });
    expect(text.status).toBe(415);
    expect(keysOf(text.body)).toEqual(['error']);
  });

  test('a second device at the same address and port is refused', async () => {
    const first = await addDevice({ ip_address: '10.1.0.4', port: 4370 });
    const again = await api.call('POST', '/api/devices/', { body: { name: 'Twin', ip_address: '10.1.0.4' } });
    expect(again.status).toBe(400);
    expect((again.body as Body).error).toContain(`device ${first.id}`);
    const other = await addDevice({ ip_address: '10.1.0.5' });
    const moved = await api.call('PATCH', `/api/devices/${other.id}/`, { body: { ip_address: '10.1.0.4' } });
    expect(moved.status).toBe(400);
  });

  test('ids that are not positive whole numbers are 400; unknown ids are the original 404', async () => {
    for (const id of ['0', '-1', 'abc', '1.5', '99999999999']) {
      const response = await api.call('GET', `/api/devices/${id}/`);
      expect(response.status).toBe(400);
      expect((response.body as Body).error).toMatch(/^id:/);
    }
    for (const [method, path] of [
      ['GET', '/api/devices/2147483647/'],
      ['PATCH', '/api/devices/2147483647/'],
      ['DELETE', '/api/devices/2147483647/'],
      ['GET', '/api/devices/2147483647/users/'],
      ['GET', '/api/devices/2147483647/status/'],
    ] as const) {
      const response = await api.call(method, path, method === 'PATCH' ? { body: { name: 'x' } } : {});
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ detail: 'Not found.' });
    }
  });
});

test('a read without the trailing slash is sent on to the slash path, as the original did', async () => {
  const response = await api.call('GET', '/api/devices?ordering=-id');
  expect(response.status).toBe(301);
  expect(response.headers.get('location')).toBe('/api/devices/?ordering=-id');
  expect(
    (await api.call('POST', '/api/devices', { body: { name: 'x', ip_address: '10.8.0.1' } })).status,
  ).toBe(404);
  expect((await api.call('GET', '/api/devices/', { authorization: null })).status).toBe(401);
  expect((await api.call('GET', '/api/devices', { authorization: null })).status).toBe(401);
});

describe('deleting a device', () => {
  test('without punches: 204, and it is gone', async () => {
    const device = await addDevice({ ip_address: '10.2.0.1' });
    const response = await api.call('DELETE', `/api/devices/${device.id}/`);
    expect(response.status).toBe(204);
    expect(response.text).toBe('');
    expect((await api.call('GET', `/api/devices/${device.id}/`)).status).toBe(404);
  });

  test('with punches: 409 saying to disable it instead, and punches and device stay', async () => {
    const device = await addDevice({ ip_address: '10.2.0.2' });
    const id = device.id as number;
    await addPunches(api.db.sql, { id, timezone: 'Africa/Nairobi' }, [['7', '2025-11-11T08:00:00']]);
    const response = await api.call('DELETE', `/api/devices/${id}/`);
    expect(response.status).toBe(409);
    expect(keysOf(response.body)).toEqual(['error']);
    expect((response.body as Body).error).toMatch(/1 punch.*[Dd]isable/s);
    expect((await api.call('GET', `/api/devices/${id}/`)).status).toBe(200);
    const disabled = await api.call('PATCH', `/api/devices/${id}/`, { body: { enabled: false } });
    expect(disabled.body).toMatchObject({ enabled: false });
  });
});

describe('device list', () => {
  test('pages like the original: count, absolute next/previous, page_size capped', async () => {
    const before = ((await api.call('GET', '/api/devices/')).body as Body).count as number;
    for (let i = 0; i < 5; i++) await addDevice({ name: `Page ${i}`, ip_address: `10.3.0.${i + 1}` });
    const total = before + 5;

    const first = await api.call('GET', '/api/devices/?page_size=2&ordering=-id');
    expect(first.status).toBe(200);
    const page1 = first.body as Body;
    expect(keysOf(page1)).toEqual(['count', 'next', 'previous', 'results']);
    expect(page1.count).toBe(total);
    expect(page1.previous).toBeNull();
    expect(page1.next).toBe('http://bridge.test/api/devices/?page_size=2&ordering=-id&page=2');
    const ids = (page1.results as Body[]).map((d) => d.id as number);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));

    const second = (await api.call('GET', '/api/devices/?page_size=2&ordering=-id&page=2')).body as Body;
    expect(second.previous).toBe('http://bridge.test/api/devices/?page_size=2&ordering=-id');
    const secondIds = (second.results as Body[]).map((d) => d.id as number);
    expect(Math.max(...secondIds)).toBeLessThan(Math.min(...ids));

    const last = Math.ceil(total / 2);
    const lastPage = (await api.call('GET', `/api/devices/?page_size=2&page=${last}`)).body as Body;
    expect(lastPage.next).toBeNull();
    const past = await api.call('GET', `/api/devices/?page_size=2&page=${last + 1}`);
    expect(past.status).toBe(404);
    expect(past.body).toEqual({ detail: 'Invalid page.' });

    expect((await api.call('GET', '/api/devices/?page_size=1001')).status).toBe(400);
    expect((await api.call('GET', '/api/devices/?page_size=0')).status).toBe(400);
    expect((await api.call('GET', '/api/devices/?page=0')).status).toBe(400);
    const all = (await api.call('GET', '/api/devices/?page_size=1000')).body as Body;
    expect((all.results as Body[]).length).toBe(total);
  });

  test('ordering by an allowed field, several fields, and an unknown one', async () => {
    const byName = (await api.call('GET', '/api/devices/?ordering=name,-id')).body as Body;
    const names = (byName.results as Body[]).map((d) => d.name as string);
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    const unknown = await api.call('GET', '/api/devices/?ordering=comm_key');
    expect(unknown.status).toBe(400);
    expect((unknown.body as Body).error).toMatch(/^ordering: "comm_key"/);
    expect((await api.call('GET', '/api/devices/?ordering=-')).status).toBe(400);
  });
});

describe('device users and status', () => {
  test('users come from the last poll; status shows the poll runs', async () => {
    const device = await addDevice({ ip_address: '10.4.0.1' });
    const id = device.id as number;
    await api.db.sql`
      insert into device_users (device_id, user_id, uid, name, card_number, privilege)
      values (${id}, '2', 2, 'Bea', 0, 0), (${id}, '1', 1, 'Abe', 12345, 14)`;
    await api.db.sql`
      insert into poll_runs (device_id, workflow_id, status, fetched, inserted, finished_at)
      values (${id}, ${`poll/device-${id}`}, 'succeeded', 10, 4, now())`;

    const users = (await api.call('GET', `/api/devices/${id}/users/`)).body as Body;
    expect(users.count).toBe(2);
    expect((users.results as Body[]).map((u) => u.user_id)).toEqual(['1', '2']);
    expect(keysOf((users.results as Body[])[0])).toEqual(
      ['user_id', 'uid', 'name', 'card_number', 'privilege', 'updated_at'].sort(),
    );
    const byName = (await api.call('GET', `/api/devices/${id}/users/?ordering=-name`)).body as Body;
    expect((byName.results as Body[]).map((u) => u.name)).toEqual(['Bea', 'Abe']);

    const status = (await api.call('GET', `/api/devices/${id}/status/`)).body as Body;
    expect(keysOf(status)).toEqual(['enabled', 'id', 'last_sync', 'name', 'poll_runs', 'status']);
    const [run] = status.poll_runs as Body[];
    expect(run).toMatchObject({ status: 'succeeded', fetched: 10, inserted: 4, attempt: 1 });
  });
});
