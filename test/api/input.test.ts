import { randomBytes } from 'node:crypto';
import type { Config } from '../../lib/config.js';
import { type BridgeSchedule, bridgeSchedules, ensureSchedules } from '../../worker/schedules.js';
import { type ApiHarness, startApiHarness } from './harness.js';

// What a request may carry. An empty JSON body where the body is optional is `{}`, as the original
// (Django REST framework) took it; a malformed one is still 400.

// Schedule ids are unique in the namespace every test file shares, so this file's carry a suffix.
const suffix = randomBytes(3).toString('hex');
const ours = (config: Config): BridgeSchedule[] =>
  bridgeSchedules(config).map((schedule) => ({ ...schedule, id: `${schedule.id}-${suffix}` }));
const pollSchedule = `bridge-poll-devices-${suffix}`;

let api: ApiHarness;

beforeAll(async () => {
  api = await startApiHarness({ workers: true, schedules: ours });
  await ensureSchedules(api.temporal, api.config, ours(api.config));
}, 120_000);
afterAll(async () => {
  for (const schedule of ours(api.config)) {
    await api?.temporal.schedule
      .getHandle(schedule.id)
      .delete()
      .catch(() => {});
  }
  await api?.close();
});

describe('an empty body with Content-Type: application/json', () => {
  test('is {} where the body is optional: process now', async () => {
    const response = await api.call('POST', '/api/processed-attendance/process/?wait=60', { rawBody: '' });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ total_records: 0, processed: 0, failed: 0 });
  });

  test('is {} where the body is optional: pause and unpause keep their default notes', async () => {
    const paused = await api.call('POST', `/api/schedules/${pollSchedule}/pause/`, { rawBody: '' });
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ paused: true, note: 'Paused through the API' });
    const resumed = await api.call('POST', `/api/schedules/${pollSchedule}/unpause/`, { rawBody: '' });
    expect(resumed.status).toBe(200);
    expect(resumed.body).toMatchObject({ paused: false, note: 'Unpaused through the API' });
  });

  test('is ignored by a trigger that takes no body', async () => {
    const response = await api.call('POST', '/api/processed-attendance/sync/?wait=60', { rawBody: '' });
    expect(response.status).toBe(200);
  });

  test.each([
    ['a malformed body where it is optional', '/api/processed-attendance/process/', '{'],
    ['blanks where it is optional', '/api/processed-attendance/process/', '  '],
    ['an empty body where it is required', '/api/devices/', ''],
  ])('%s is still 400', async (_, path, rawBody) => {
    const response = await api.call('POST', path, { rawBody });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ error: 'Malformed JSON in request body' });
  });
});
