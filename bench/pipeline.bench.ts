import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { parseConfig } from '../lib/config.js';
import { insertDevice } from '../lib/db/devices.js';
import type { DeviceDump } from '../lib/zk/simulator/index.js';
import { type BridgeProcess, spawnBridge, waitFor } from '../test/support/bridgeProcess.js';
import { createIdempotentStore, startCrmServer } from '../test/support/crmServer.js';
import { writeWorkflowBundle } from '../worker/workflowBundle.js';
import type { pollAllDevices, processAttendance, syncToCrm } from '../workflows/index.js';
import {
  manualProcessStart,
  pollAllStart,
  startOrJoin,
  syncStart,
  type WorkflowStart,
} from '../workflows/starts.js';
import {
  benchServices,
  benchWorkerEnv,
  freshDatabase,
  load,
  peakRssOfMiB,
  report,
  startSimulators,
} from './support.js';

const ZONE = 'Africa/Nairobi';
const SIZES = (process.env.PIPELINE_BENCH_DEVICES ?? '20,200').split(',').map(Number);
const PUNCHES = Number(process.env.PIPELINE_BENCH_PUNCHES ?? 5_000);
const EMPLOYEES = Number(process.env.PIPELINE_BENCH_EMPLOYEES ?? 2_000);
const PREBUILT_BUNDLE = process.env.PIPELINE_BENCH_BUNDLE !== '0';
const SCHEDULES = [
  'bridge-poll-devices',
  'bridge-process-attendance',
  'bridge-sync-crm',
  'bridge-retry-failed-syncs',
  'bridge-daily-cleanup',
];

/** Current resident memory of a process (Linux: VmRSS), in MiB. */
function rssOfMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN) / 1024);
}

/** Samples a process's RSS while `work` runs; the stage's own high point, which VmHWM cannot give. */
async function sampled<T>(pid: number, work: () => Promise<T>) {
  let highest = rssOfMiB(pid);
  const timer = setInterval(() => {
    highest = Math.max(highest, rssOfMiB(pid));
  }, 200);
  const started = performance.now();
  try {
    const value = await work();
    return { value, seconds: (performance.now() - started) / 1000, highestRssMiB: highest };
  } finally {
    clearInterval(timer);
  }
}

/** The distinct punches of the dumped logs (a punch is its device, user and wall-clock time). */
function groundTruth(dumpDir: string): { punches: number; employees: number } {
  let punches = 0;
  const employees = new Set<string>();
  for (const file of readdirSync(dumpDir)) {
    const dump = JSON.parse(readFileSync(path.join(dumpDir, file), 'utf8')) as DeviceDump;
    punches += new Set(dump.punches.map((p) => `${p.user_id} ${p.timestamp}`)).size;
    for (const user of dump.users) employees.add(user.user_id);
  }
  return { punches, employees: employees.size };
}

const services = await benchServices({ temporal: true });
const crm = await startCrmServer();
const bundlePath = path.join(os.tmpdir(), `bridge-bench-bundle-${randomBytes(3).toString('hex')}.js`);
if (PREBUILT_BUNDLE) await writeWorkflowBundle(bundlePath);
const connection = await Connection.connect({ address: services.temporalAddress! });
const client = new Client({ connection });

/** Starts a stage as the API and the CLI do, and waits for its result (across continue-as-new). */
async function run<W extends typeof pollAllDevices | typeof processAttendance | typeof syncToCrm>(
  start: WorkflowStart<W>,
  prefix: string,
): Promise<Awaited<ReturnType<W>>> {
  return (await startOrJoin(client, start, prefix)).result();
}

async function pipeline(devices: number): Promise<void> {
  const label = `${devices} x ${PUNCHES}`;
  const users = Math.ceil(EMPLOYEES / devices);
  const dumpDir = mkdtempSync(path.join(os.tmpdir(), 'bridge-bench-logs-'));
  const db = await freshDatabase(services.databaseUrl, 'pipeline', { max: 2 });
  const store = createIdempotentStore();
  crm.setBehaviour(store.behaviour);
  const fleet = await startSimulators({
    devices,
    users,
    punches: PUNCHES,
    seed: 2000,
    timezone: ZONE,
    args: ['--dump', path.join(dumpDir, 'device.json')],
  });
  let worker: BridgeProcess | undefined;
  try {
    for (let i = 0; i < devices; i++) {
      await insertDevice(db.sql, {
        name: `Site ${i}`,
        host: '127.0.0.1',
        port: fleet.basePort + i,
        commKey: 0,
        timezone: ZONE,
      });
    }
    const suffix = randomBytes(3).toString('hex');
    const env: Record<string, string> = {
      ...benchWorkerEnv({
        databaseUrl: db.url,
        temporalAddress: services.temporalAddress!,
        crmUrl: crm.url,
        suffix,
      }),
      TIME_ZONE: ZONE,
      // Node flags for the worker alone (heap limits), to see what they do to its memory.
      ...(process.env.PIPELINE_BENCH_WORKER_NODE_OPTIONS
        ? { NODE_OPTIONS: process.env.PIPELINE_BENCH_WORKER_NODE_OPTIONS }
        : {}),
      ...(PREBUILT_BUNDLE
        ? { WORKFLOW_BUNDLE: bundlePath }
        : { WORKFLOW_BUNDLE: path.join(dumpDir, 'no-bundle.js') }),
    };
    const config = parseConfig({ ...process.env, ...env });
    const started = performance.now();
    worker = spawnBridge(['worker'], env);
    const running = worker;
    const pid = running.child.pid!;
    await waitFor(
      async () => {
        const answer = await client.workflowService.describeTaskQueue({
          namespace: 'default',
          taskQueue: { name: config.TEMPORAL_TASK_QUEUE },
          taskQueueType: 1,
        });
        return (answer.pollers?.length ?? 0) > 0 ? true : undefined;
      },
      {
        timeoutMs: 120_000,
        what: 'the worker',
        stopIf: () => (running.child.exitCode !== null ? `it exited:\n${running.output()}` : null),
      },
    );
    const startSeconds = (performance.now() - started) / 1000;
    // The worker keeps the schedules; none of them may start a run of its own during the measurement.
    for (const id of SCHEDULES) await client.schedule.getHandle(id).pause('pipeline benchmark');
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const atRest = rssOfMiB(pid);

    const prefix = `bench-${suffix}-`;
    const poll = await sampled(pid, () => run(pollAllStart(config, 'manual'), prefix));
    const processing = await sampled(pid, () => run(manualProcessStart(config), prefix));
    const sync = await sampled(pid, () => run(syncStart(config, 'manual'), prefix));
    const loadAtEnd = load();
    const peak = peakRssOfMiB(pid);

    const truth = groundTruth(dumpDir);
    const [stored] = await db.sql<{ punches: number; employees: number }[]>`
      select count(*)::int as punches, count(distinct user_id)::int as employees from raw_punches`;
    const [records] = await db.sql<{ all: number; delivered: number }[]>`
      select count(*)::int as all, count(*) filter (where delivery_status = 'delivered')::int as delivered
      from attendance_days`;
    const keys = new Set(store.applied.map((a) => a.key)).size;
    const polled = poll.value.devices.reduce((sum, d) => sum + d.inserted, 0);
    report({
      [`${label}: employees (distinct in the logs / stored)`]: `${truth.employees} / ${stored.employees}`,
      [`${label}: worker start (bundle ${PREBUILT_BUNDLE ? 'pre-built' : 'built at start'})`]: `${startSeconds.toFixed(1)} s, RSS at rest ${atRest} MiB`,
      [`${label}: poll all`]: `${poll.seconds.toFixed(1)} s, ${poll.value.successful} of ${poll.value.totalDevices} devices, RSS up to ${poll.highestRssMiB} MiB`,
      [`${label}: punches stored / distinct in the logs`]: `${stored.punches} / ${truth.punches} (${
        stored.punches === truth.punches && polled === truth.punches ? 'each once' : 'MISMATCH'
      })`,
      [`${label}: process`]: `${processing.seconds.toFixed(1)} s, ${processing.value.punchesProcessed} punches, ${processing.value.daysCreated} records, RSS up to ${processing.highestRssMiB} MiB`,
      [`${label}: sync`]: `${sync.seconds.toFixed(1)} s, ${sync.value.successful} delivered, ${sync.value.failed} failed, ${Math.round(
        sync.value.successful / sync.seconds,
      )} records/s, RSS up to ${sync.highestRssMiB} MiB`,
      [`${label}: records delivered / at the CRM`]: `${records.delivered} of ${records.all}; CRM ${store.applied.length} applied, ${keys} keys, ${store.repeats()} repeats (${
        records.delivered === records.all && store.applied.length === records.all && keys === records.all
          ? 'each once'
          : 'MISMATCH'
      })`,
      [`${label}: poll to last record delivered`]: `${(poll.seconds + processing.seconds + sync.seconds).toFixed(1)} s`,
      [`${label}: worker peak RSS (VmHWM)`]: `${peak} MiB`,
      [`${label}: machine load (1 min) at the end`]: loadAtEnd,
    });
  } finally {
    if (worker && worker.child.exitCode === null) {
      worker.child.kill('SIGTERM');
      await worker.exited;
    }
    await fleet.stop();
    await db.drop();
    rmSync(dumpDir, { recursive: true, force: true });
  }
}

try {
  for (const devices of SIZES) await pipeline(devices);
} finally {
  await connection.close();
  await crm.close();
  rmSync(bundlePath, { force: true });
  await services.stop();
}
