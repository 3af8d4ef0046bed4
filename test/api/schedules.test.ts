import { randomBytes } from 'node:crypto';
import type { Config } from '../../lib/config.js';
import { type BridgeSchedule, bridgeSchedules, ensureSchedules } from '../../worker/schedules.js';
import { type ApiHarness, keysOf, startApiHarness } from './harness.js';

type Body = Record<string, unknown>;

// Schedule ids are unique in the namespace every test file shares, so this file's carry a suffix.
const suffix = randomBytes(3).toString('hex');
const ours = (config: Config): BridgeSchedule[] =>
  bridgeSchedules(config).map((schedule) => ({ ...schedule, id: `${schedule.id}-${suffix}` }));

let api: ApiHarness;
let schedules: BridgeSchedule[];
const foreignId = `someone-elses-${suffix}`;

beforeAll(async () => {
  api = await startApiHarness({ workers: true, schedules: ours });
  schedules = ours(api.config);
  await ensureSchedules(api.temporal, api.config, schedules);
  // A schedule in the same namespace that is not the bridge's: the API must not show or drive it.
  await ensureSchedules(api.temporal, api.config, [{ ...schedules[0], id: foreignId }]);
}, 120_000);
afterAll(async () => {
  for (const id of [...schedules.map((s) => s.id), foreignId]) {
    await api.temporal.schedule
      .getHandle(id)
      .delete()
      .catch(() => {});
  }
  await api?.close();
});

const pollId = () => `bridge-poll-devices-${suffix}`;

test('lists the bridge schedules with state, next runs and recent runs', async () => {
  const response = await api.call('GET', '/api/schedules/');
  expect(response.status).toBe(200);
  const page = response.body as Body;
  expect(keysOf(page)).toEqual(['count', 'next', 'previous', 'results']);
  const items = page.results as Body[];
  expect(items.map((s) => s.id)).toEqual(schedules.map((s) => s.id));
  const poll = items[0];
  expect(keysOf(poll)).toEqual(
    [
      'id',
      'description',
      'workflow_type',
      'paused',
      'note',
      'overlap_policy',
      'next_run_times',
      'recent_runs',
      'running',
      'actions_taken',
      'skipped_overlap',
    ].sort(),
  );
  expect(poll).toMatchObject({ workflow_type: 'pollAllDevices', paused: false, overlap_policy: 'SKIP' });
  const next = poll.next_run_times as string[];
  expect(next.length).toBeGreaterThan(0);
  // TIME_ZONE of the harness is Africa/Nairobi.
  expect(next[0]).toMatch(/\+03:00$/);
  expect(Date.parse(next[0])).toBeGreaterThan(Date.now() - 60_000);
});

test('pause and unpause keep a note; the state is Temporal’s own', async () => {
  const paused = await api.call('POST', `/api/schedules/${pollId()}/pause/`, {
    body: { note: 'network work' },
  });
  expect(paused.status).toBe(200);
  expect(paused.body).toMatchObject({ paused: true, note: 'network work' });
  expect((await api.temporal.schedule.getHandle(pollId()).describe()).state.paused).toBe(true);

  const resumed = await api.call('POST', `/api/schedules/${pollId()}/unpause/`);
  expect(resumed.status).toBe(200);
  expect(resumed.body).toMatchObject({ paused: false });
  expect((await api.call('GET', `/api/schedules/${pollId()}/`)).body).toMatchObject({ paused: false });
});

test('trigger runs the workflow now, under the schedule’s overlap policy', async () => {
  const response = await api.call('POST', `/api/schedules/${pollId()}/trigger/`);
  expect(response.status).toBe(202);
  expect(response.body).toEqual({ id: pollId(), status: 'triggered', overlap_policy: 'SKIP' });
  let runs: Body[] = [];
  for (let tries = 0; tries < 100 && runs.length === 0; tries++) {
    runs = ((await api.call('GET', `/api/schedules/${pollId()}/`)).body as Body).recent_runs as Body[];
    if (runs.length === 0) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  expect(runs).toHaveLength(1);
  expect(runs[0].workflow_id).toMatch(/^poll-all-devices/);
  const result = await api.temporal.workflow
    .getHandle(runs[0].workflow_id as string, runs[0].run_id as string)
    .result();
  expect(result).toMatchObject({ totalDevices: 0 });
}, 60_000);

test.each([
  ['GET', 'nope'],
  ['POST', 'nope/trigger'],
  ['POST', 'nope/pause'],
  ['POST', 'nope/unpause'],
  ['GET', foreignId],
  ['POST', `${foreignId}/trigger`],
  ['POST', `${foreignId}/pause`],
])('%s an unknown or foreign schedule %s -> 404', async (method, path) => {
  const response = await api.call(method, `/api/schedules/${path}/`);
  expect(response.status).toBe(404);
  expect(response.body).toEqual({ detail: 'Not found.' });
  expect((await api.temporal.schedule.getHandle(foreignId).describe()).state.paused).toBe(false);
});

test('a note with unknown fields or control characters is refused', async () => {
  expect((await api.call('POST', `/api/schedules/${pollId()}/pause/`, { body: { why: 'x' } })).status).toBe(
    400,
  );
  expect(
    (await api.call('POST', `/api/schedules/${pollId()}/pause/`, { body: { note: 'a\u0000' } })).status,
  ).toBe(400);
  expect((await api.call('GET', `/api/schedules/${pollId()}/`)).body).toMatchObject({ paused: false });
});
