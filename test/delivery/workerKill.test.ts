// A worker killed (SIGKILL, a process of its own as in production) in the middle of a sync: nothing
// lost, each record revision applied once by the CRM, and every POST that may have reached the CRM
// has its attempt row.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import type { Config } from '../../lib/config.js';
import type { SyncResult } from '../../lib/delivery/types.js';
import { commandEnv, createTestNamespace } from '../cli/support.js';
import { type BridgeProcess, spawnBridge, waitFor } from '../support/bridgeProcess.js';
import { type CrmServer, createIdempotentStore, startCrmServer } from '../support/crmServer.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { addDevice } from '../support/devices.js';
import { testConfig, testTemporalAddress } from '../support/temporal.js';
import { keysOf } from './behaviours.js';
import { addDays, manyDays } from './records.js';

const RECORDS = 80;
const crmToken = 'tok_worker_kill_5f4e3d2c1b';

let db: TestDatabase;
let crm: CrmServer;
let config: Config;
let connection: Connection;
let dir: string;
let bundlePath: string;
const workers: BridgeProcess[] = [];
const projectDir = fileURLToPath(new URL('../..', import.meta.url));

beforeAll(async () => {
  db = await createTestDatabase();
  crm = await startCrmServer();
  config = testConfig({ TEMPORAL_NAMESPACE: await createTestNamespace(), CRM_SYNC_CONCURRENCY: '4' });
  connection = await Connection.connect({ address: testTemporalAddress() });
  // Built once, as the image builds it, so each worker starts in seconds rather than bundling.
  dir = mkdtempSync(path.join(os.tmpdir(), 'bridge-worker-kill-'));
  bundlePath = path.join(dir, 'workflow-bundle.js');
  const bundled = spawnSync('npm', ['run', '-s', 'bundle'], {
    cwd: projectDir,
    env: { ...process.env, NODE_OPTIONS: '', WORKFLOW_BUNDLE: bundlePath },
    encoding: 'utf8',
  });
  if (bundled.status !== 0) throw new Error(`npm run bundle failed: ${bundled.stderr}`);
}, 240_000);

afterAll(async () => {
  for (const worker of workers) {
    if (worker.child.exitCode === null && worker.child.signalCode === null) {
      worker.child.kill('SIGKILL');
      await worker.exited;
    }
  }
  await connection?.close();
  await crm?.close();
  await db?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function startWorker(): Promise<BridgeProcess> {
  const env = Object.fromEntries(
    Object.entries({
      ...commandEnv(config, db.url),
      CRM_API_URL: crm.url,
      CRM_API_TOKEN: crmToken,
      CRM_SYNC_CONCURRENCY: '4',
      WORKER_METRICS_PORT: '0',
      WORKFLOW_BUNDLE: bundlePath,
      LOG_LEVEL: 'info',
    }).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  const worker = spawnBridge(['worker'], env);
  workers.push(worker);
  await waitFor(async () => (worker.output().includes('workers running') ? true : undefined), {
    timeoutMs: 180_000,
    what: 'the worker to start',
    stopIf: () => (worker.child.exitCode !== null ? `the worker exited:\n${worker.output()}` : null),
  });
  return worker;
}

test('a worker killed mid-sync loses nothing, the CRM applies each revision once, every POST has its attempt row', async () => {
  const device = await addDevice(db.sql);
  await addDays(db.sql, manyDays(device.id, RECORDS, 20));
  const store = createIdempotentStore();
  // Slow answers, so the kill cuts POSTs the CRM has received and applied but not yet answered.
  crm.setBehaviour(async (request) => {
    const reply = await store.behaviour(request);
    return { ...reply, delayMs: 150 };
  });

  const first = await startWorker();
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const handle = await client.workflow.start('syncToCrm', {
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    workflowId: `sync-to-crm/worker-kill-${Date.now()}`,
    args: [
      { crmTaskQueue: config.CRM_TASK_QUEUE, maxAttempts: 3, pageSize: 40, retryInitialIntervalMs: 200 },
    ],
  });
  await waitFor(async () => (store.applied.length >= 15 ? true : undefined), {
    timeoutMs: 120_000,
    what: 'the first deliveries',
  });
  first.child.kill('SIGKILL');
  await first.exited;
  const appliedAtKill = store.applied.length;

  await startWorker();
  const result = (await handle.result()) as SyncResult;

  // Nothing lost: every record delivered, the CRM holds each revision once.
  expect(appliedAtKill).toBeLessThan(RECORDS);
  const [{ delivered }] = await db.sql<{ delivered: number }[]>`
    select count(*)::int as delivered from attendance_days
    where delivery_status = 'delivered' and delivered_revision = revision`;
  expect(delivered).toBe(RECORDS);
  const applied = store.applied.map((a) => a.key);
  expect(new Set(applied).size).toBe(RECORDS);
  expect(applied).toHaveLength(RECORDS);
  // The run's own count: its pages are listed by local activities, so the part of the run the kill
  // cut off is listed again, without what it had delivered already (those count in the database,
  // not in this result).
  expect(result.successful + result.notSent).toBeGreaterThanOrEqual(RECORDS - appliedAtKill);
  expect(result.successful + result.notSent).toBeLessThanOrEqual(RECORDS);
  expect(result.failed).toBe(0);

  // Every POST that may have reached the CRM is in the audit: per key, at least as many attempt
  // rows as POSTs the CRM received; none is left `sending`, cut ones are `unknown`.
  const rows = await db.sql<{ key: string; outcome: string }[]>`
    select idempotency_key as key, outcome from delivery_attempts`;
  const rowsPerKey = new Map<string, number>();
  for (const row of rows) rowsPerKey.set(row.key, (rowsPerKey.get(row.key) ?? 0) + 1);
  const postsPerKey = new Map<string, number>();
  for (const key of keysOf(crm.requests)) postsPerKey.set(key, (postsPerKey.get(key) ?? 0) + 1);
  const unaudited = [...postsPerKey].filter(([key, posts]) => (rowsPerKey.get(key) ?? 0) < posts);
  expect(unaudited).toEqual([]);
  expect(rows.filter((row) => row.outcome === 'sending')).toEqual([]);
  // A key sent again is one whose earlier answer the kill lost, and says so.
  const unknown = rows.filter((row) => row.outcome === 'unknown').length;
  expect(store.repeats()).toBeLessThanOrEqual(unknown);
}, 600_000);
