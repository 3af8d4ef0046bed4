import { syncToCrmInput } from '../../lib/delivery/input.js';
import type { PollAllResult } from '../../lib/devices/types.js';
import { pollWorkflowIds } from '../../workflows/ids.js';
import { spawnBridge } from '../support/bridgeProcess.js';
import { until } from './support/bridge.js';
import { faultFreeOutcome, type Scenario, startScenario, terminateLeftRunning } from './support/scenario.js';

// Full variant only (`npm run test:faults`): the Temporal server stopped and started again on its
// database file during a poll and a sync, PostgreSQL restarted during a poll and a sync, two
// workers and two API processes at once, the API killed in the middle of a request.
let s: Scenario;
const figures: Record<string, unknown> = {};

beforeAll(async () => {
  s = await startScenario(11);
  await s.bridge.startWorker();
  await s.bridge.startApi();
}, 600_000);

afterEach(() => terminateLeftRunning(s), 120_000);

afterAll(async () => {
  process.stderr.write(`fault figures (full, Temporal and processes): ${JSON.stringify(figures)}\n`);
  await s?.stop();
}, 120_000);

const downloading = () =>
  until('a download under way', async () =>
    s.devices.some((d) => d.simulator.activeSessions > 0) ? true : undefined,
  );

/** Workers that gave up on a lost server are started again, as a supervisor would. */
async function superviseWorkers(): Promise<void> {
  for (const worker of [...s.bridge.workers]) {
    if (worker.child.exitCode !== null) {
      await s.bridge.kill(worker);
      await s.bridge.startWorker();
    }
  }
}

test('Temporal stopped during a poll: `bridge poll` says it is unreachable and exits 1; the poll finishes after the restart', async () => {
  const command = spawnBridge(['poll'], { ...s.bridge.env, LOG_LEVEL: 'silent' });
  await downloading();
  await s.services.stopTemporal();
  const code = await command.exited;
  expect(code).toBe(1);
  expect(command.output()).toMatch(/the Temporal server is unreachable/);
  expect(command.output()).not.toMatch(/\n\s+at /);
  const stoppedAt = Date.now();
  await new Promise((resolve) => setTimeout(resolve, 5_000));
  await s.services.startTemporal();
  await superviseWorkers();
  const result = (await s.bridge.client.workflow.getHandle(pollWorkflowIds.all).result()) as PollAllResult;
  figures.temporalDuringPoll = { recoverySeconds: (Date.now() - stoppedAt) / 1000 };
  for (const { id } of s.devices) {
    expect({ id, status: result.devices.find((d) => d.deviceId === id)?.status }).toEqual({
      id,
      status: 'succeeded',
    });
  }
  const settled = await s.settled();
  expect([settled.doubledPunches, settled.missingPunches, settled.unexpectedPunches]).toEqual([0, 0, 0]);
}, 900_000);

test('two API processes asked to poll at once start one run; PostgreSQL restarted during it; punches stored once', async () => {
  const [a, b] = await Promise.all(
    [0, 1].map((which) => s.bridge.api('/api/devices/poll_all/?wait=0', { method: 'POST' }, which)),
  );
  expect([a.status, b.status]).toEqual([202, 202]);
  const [bodyA, bodyB] = (await Promise.all([a.json(), b.json()])) as Array<{ workflow_id?: string }>;
  expect(bodyA.workflow_id).toBe(bodyB.workflow_id);
  await downloading();
  const { downMs } = await s.services.restartPostgres();
  await superviseWorkers();
  await s.bridge.client.workflow.getHandle(String(bodyA.workflow_id)).result();
  figures.postgresDuringPoll = { downMs };
  const settled = await s.settled();
  expect([settled.doubledPunches, settled.missingPunches, settled.unexpectedPunches]).toEqual([0, 0, 0]);
}, 900_000);

test('the API killed in the middle of a request: the other API answers, a new one comes up', async () => {
  const victim = s.bridge.apis[0];
  const pending = fetch(`${victim.url}/api/processed-attendance/process/?wait=30`, {
    method: 'POST',
    headers: { authorization: `Token ${s.bridge.env.API_TOKEN}`, 'content-type': 'application/json' },
    body: '{}',
  }).then(
    (response) => response.status,
    () => 'connection lost',
  );
  await new Promise((resolve) => setTimeout(resolve, 300));
  await s.bridge.kill(victim);
  expect(await pending).toBe('connection lost');
  expect((await s.bridge.api('/api/devices/')).status).toBe(200);
  await s.bridge.startApi();
  // The processing the dead API had started finishes without it.
  await until('processing done', async () => {
    const [{ n }] = await s.bridge.sql`select count(*)::int as n from raw_punches where processed_at is null`;
    return n === 0 ? true : undefined;
  });
}, 600_000);

test('Temporal and PostgreSQL restarted during a sync to the chaotic CRM: every revision delivered once', async () => {
  const dates = await s.syncDates();
  const startedAt = Date.now();
  const sync = await s.start('syncToCrm', 'faults-sync-outages', syncToCrmInput(s.config, dates));
  await until('deliveries under way', async () => (s.crm.server.requests.length > 10 ? true : undefined));
  await s.services.stopTemporal();
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  await s.services.startTemporal();
  await superviseWorkers();
  const { downMs } = await s.services.restartPostgres();
  await superviseWorkers();
  await sync.result().catch(() => undefined);
  s.crm.calm();
  await (
    await s.start(
      'syncToCrm',
      'faults-sync-outages-retry',
      syncToCrmInput(s.config, { ...dates, retryFailed: true }),
    )
  ).result();
  const settled = await s.settled(dates);
  figures.sync = {
    dates,
    posts: settled.posts,
    records: settled.records,
    recordsDelivered: settled.recordsInScope,
    seconds: (Date.now() - startedAt) / 1000,
    postgresDownMs: downMs,
    fates: s.crm.fates,
  };
  expect({ ...settled, punches: 0, records: 0, recordsInScope: 0, posts: 0 }).toEqual({
    ...faultFreeOutcome,
    punches: 0,
    records: 0,
    recordsInScope: 0,
    posts: 0,
  });
  expect(s.crm.store.applied.length).toBe(settled.recordsInScope);
  for (const worker of s.bridge.workers) expect(worker.child.exitCode).toBeNull();
}, 900_000);
