import { idempotencyKey } from '../../lib/crm/payload.js';
import { deliveryStats } from '../../lib/db/deliveryReports.js';
import { syncWorkflowIds } from '../../workflows/ids.js';
import { type CrmBehaviour, type CrmReply, createIdempotentStore } from '../support/crmServer.js';
import { addDevice } from '../support/devices.js';
import { seededRandom } from '../support/random.js';
import { type Harness, startHarness } from './harness.js';
import { addDays, manyDays, reviseDay } from './records.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ config: { CRM_SYNC_CONCURRENCY: '8' } });
}, 120_000);

afterAll(async () => {
  await h?.close();
});

/**
 * A CRM that applies each Idempotency-Key once and fails a third of the requests: some before it
 * stores the record (500, 503, 429, a dropped connection), some after (the answer is lost: 500, a
 * dropped connection, an answer slower than the client waits). Only the keys tell it repeats apart.
 */
function flakyIdempotentCrm(seed: number) {
  const store = createIdempotentStore();
  const random = seededRandom(seed);
  const before: CrmReply[] = [
    { status: 500, body: { error: 'Internal Server Error' } },
    { status: 503, body: { error: 'Service Unavailable' } },
    { status: 429, body: { error: 'Too Many Requests' }, headers: { 'retry-after': '0' } },
    { hangUp: true },
  ];
  const after: CrmReply[] = [
    { status: 500, body: { error: 'stored, then failed' } },
    { hangUp: true },
    { status: 201, delayMs: 900 },
  ];
  const behaviour: CrmBehaviour = async (request) => {
    const roll = random();
    const pick = random();
    if (roll < 0.15) return before[Math.floor(pick * before.length)];
    const stored = await store.behaviour(request);
    if (roll < 0.3) return after[Math.floor(pick * after.length)];
    return stored;
  };
  return { store, behaviour };
}

async function deliverEverything(): Promise<void> {
  // The scheduled sync and a manual one at once, then retry rounds until nothing is left failed.
  const runs = await Promise.all([
    h.startSync({ pageSize: 25, pagesPerRun: 2 }, `${syncWorkflowIds.scheduled}/${Date.now()}`),
    h.startSync({ pageSize: 10, deliverOn: 'crm-queue' }, `${syncWorkflowIds.manual}/${Date.now()}`),
  ]);
  await Promise.all(runs.map((run) => run.result()));
  for (let round = 0; round < 20; round += 1) {
    const result = await h.retryFailed({ rounds: 100 });
    if (result.total === 0) break;
  }
  // Anything revised or passed over meanwhile goes with the next sync.
  await h.sync();
}

test('against a flaky idempotent CRM, every record revision arrives exactly once and none is missing', async () => {
  const { store, behaviour } = flakyIdempotentCrm(20251111);
  h.crm.setBehaviour(behaviour);
  h.deps.crm = h.crmClient({ timeoutMs: 500 });
  const device = await addDevice(h.db.sql);
  const ids = await addDays(h.db.sql, manyDays(device.id, 150, 30));

  await deliverEverything();
  // Corrections for a third of the records: each new revision must arrive once as well.
  const revised = ids.filter((_, i) => i % 3 === 0);
  for (const id of revised) await reviseDay(h.db.sql, id);
  await deliverEverything();

  const days = await h.db.sql<{ id: number; userId: string; date: string; revision: number }[]>`
    select id, user_id as "userId", date::text as date, revision from attendance_days order by id`;
  const expected = days.flatMap((day) =>
    Array.from({ length: day.revision }, (_, i) => idempotencyKey({ ...day, revision: i + 1 })),
  );
  const appliedKeys = store.applied.map((entry) => entry.key);

  expect(expected).toHaveLength(200);
  expect([...appliedKeys].sort()).toEqual([...expected].sort());
  for (const entry of store.applied) {
    expect(entry.key).toMatch(new RegExp(`-r${(entry.body as { revision: number }).revision}$`));
  }
  // The CRM did see repeats (answers it gave were lost), so the keys were what kept copies single.
  expect(store.repeats()).toBeGreaterThan(0);
  expect(await deliveryStats(h.db.sql)).toMatchObject({ total: 150, synced: 150, unsynced: 0, failed: 0 });
  const [{ leased }] = await h.db.sql<{ leased: number }[]>`
    select count(*)::int as leased from attendance_days where delivery_lease_owner is not null`;
  expect(leased).toBe(0);
}, 240_000);
