import { createServer } from 'node:net';
import { DeviceSimulator } from '../../lib/zk/simulator/index.js';
import { type ApiHarness, keysOf, startApiHarness } from './harness.js';

// The trigger endpoints start workflows on a real Temporal server (workers of this file) and wait for
// them up to `?wait=`; past that they answer 202 and the workflow goes on.

type Body = Record<string, unknown>;

let api: ApiHarness;
let stuck: DeviceSimulator;
let closedPort: number;
let otherClosedPort: number;

/** A port nothing listens on: bound by the OS, then released. */
async function freeClosedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function addDevice(name: string, port: number): Promise<number> {
  const response = await api.call('POST', '/api/devices/', { body: { name, ip_address: '127.0.0.1', port } });
  expect(response.status).toBe(201);
  return (response.body as Body).id as number;
}

beforeAll(async () => {
  // A terminal that accepts the session but never answers the log download: a poll that hangs
  // until the request timeout, long enough to see it running.
  stuck = await DeviceSimulator.start({ port: 0, users: 2, punches: 10, ignoreDataWrrq: true });
  closedPort = await freeClosedPort();
  do otherClosedPort = await freeClosedPort();
  while (otherClosedPort === closedPort);
  api = await startApiHarness({ workers: true, settings: { DEVICE_REQUEST_TIMEOUT_MS: '3000' } });
}, 120_000);
afterAll(async () => {
  await api?.close();
  await stuck?.close();
});

describe('an unreachable device', () => {
  test('info answers 503 with the original body (and why)', async () => {
    const id = await addDevice('Gone', closedPort);
    const response = await api.call('GET', `/api/devices/${id}/info/`);
    expect(response.status).toBe(503);
    expect(keysOf(response.body)).toEqual(['error', 'reason']);
    expect((response.body as Body).error).toBe('Failed to connect to device');
    expect((response.body as Body).reason).toMatch(new RegExp(`127\\.0\\.0\\.1:${closedPort}`));
  });

  test('a poll finishes with status error, and the device shows the failure', async () => {
    const id = await addDevice('Also gone', otherClosedPort);
    const response = await api.call('POST', `/api/devices/${id}/poll/`);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      status: 'error',
      total_fetched: 0,
      new_records: 0,
      device: 'Also gone',
    });
    expect((response.body as Body).error).toMatch(/127\.0\.0\.1/);
    const device = (await api.call('GET', `/api/devices/${id}/`)).body as Body;
    expect(device.status).toMatchObject({
      consecutive_failures: 1,
      last_error: expect.stringMatching(/127\.0\.0\.1/),
    });
  }, 60_000);
});

test('past the wait: 202 with the workflow id; a second request attaches to the same run', async () => {
  const id = await addDevice('Slow', stuck.port);
  // The wait runs out while the device keeps the poll busy.
  const first = await api.call('POST', `/api/devices/${id}/poll/?wait=1`);
  expect(first.status).toBe(202);
  expect(keysOf(first.body)).toEqual(['run_id', 'status', 'workflow_id']);
  const running = first.body as Body;
  expect(running).toMatchObject({
    status: 'running',
    workflow_id: `${api.workflowIdPrefix}poll/device-${id}`,
  });

  const second = await api.call('POST', `/api/devices/${id}/poll/?wait=0`);
  expect(second.status).toBe(202);
  expect((second.body as Body).run_id).toBe(running.run_id);

  // Waiting long enough gives that same run's result: the device never sent its log.
  const done = await api.call('POST', `/api/devices/${id}/poll/?wait=60`);
  expect(done.status).toBe(200);
  expect(done.body).toMatchObject({ status: 'error', device: 'Slow' });
  const runs = ((await api.call('GET', `/api/devices/${id}/status/`)).body as Body).poll_runs as Body[];
  expect(runs).toHaveLength(1);
}, 90_000);

test('process and sync: 202 while running, the original fields when done', async () => {
  const started = await api.call('POST', '/api/processed-attendance/process/?wait=0');
  expect(started.status).toBe(202);
  expect((started.body as Body).workflow_id).toBe(`${api.workflowIdPrefix}process-attendance/manual`);
  const processed = await api.call('POST', '/api/processed-attendance/process/', { body: {} });
  expect(processed.status).toBe(200);
  expect(keysOf(processed.body)).toEqual(['failed', 'outliers', 'processed', 'total_records']);

  // No CRM is configured in this file: the sync does nothing and says why.
  const synced = await api.call('POST', '/api/processed-attendance/sync/?limit=5');
  expect(synced.status).toBe(200);
  expect(synced.body).toMatchObject({ total: 0, successful: 0, failed: 0, errors: [] });
  expect((synced.body as Body).skipped).toMatch(/CRM/);
}, 60_000);

test('poll_all polls every enabled device and reports each', async () => {
  const response = await api.call('POST', '/api/devices/poll_all/?wait=90');
  expect(response.status).toBe(200);
  const body = response.body as Body;
  expect(keysOf(body)).toEqual(['devices', 'failed', 'successful', 'total_devices']);
  expect(body.total_devices).toBe((body.devices as Body[]).length);
  expect(body.failed).toBe((body.devices as Body[]).filter((d) => d.status === 'error').length);
  for (const device of body.devices as Body[]) {
    expect(keysOf(device)).toEqual(
      [
        'status',
        'total_fetched',
        'new_records',
        'device',
        'device_id',
        'records_on_device',
        'clock_offset_seconds',
        'log_cleared',
        'error',
      ].sort(),
    );
  }
}, 120_000);

test.each([
  ['POST', '/api/devices/2147483647/poll/', 404],
  ['GET', '/api/devices/2147483647/info/', 404],
  ['POST', '/api/processed-attendance/2147483647/redeliver/', 404],
  ['POST', '/api/devices/1/poll/?wait=121', 400],
  ['POST', '/api/devices/poll_all/?wait=soon', 400],
  ['POST', '/api/processed-attendance/sync/?limit=0', 400],
  ['POST', '/api/processed-attendance/process/?start_date=2025-02-29', 400],
])('%s %s -> %i', async (method, path, status) => {
  const response = await api.call(method, path);
  expect(response.status).toBe(status);
  expect(keysOf(response.body)).toEqual(status === 404 ? ['detail'] : ['error']);
});

test('a process body with unknown fields, or a start after its end, is refused', async () => {
  const unknown = await api.call('POST', '/api/processed-attendance/process/', { body: { user: '7' } });
  expect(unknown.status).toBe(400);
  const reversed = await api.call('POST', '/api/processed-attendance/process/?end_date=2025-11-01', {
    body: { start_date: '2025-11-02' },
  });
  expect(reversed.status).toBe(400);
  expect((reversed.body as Body).error).toMatch(/^start_date: /);
});
