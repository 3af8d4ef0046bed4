/**
 * CRM delivery through `syncToCrm`, the worker running as `attendance-bridge worker` in a process of
 * its own (as in production, so its peak RSS is the bridge's own), to a local HTTP CRM that applies
 * each Idempotency-Key once and counts what it holds:
 * - healthy CRM, 10,000 records, default settings, then with the concurrency raised;
 * - flaky CRM (30% of POSTs: reset, 429, 503; then with stalls past the timeout too), 2,000 records,
 *   against a clean run of the same;
 * - a rate-limited CRM (429 with Retry-After past a request rate): the whole run slows down.
 * `DELIVERY_BENCH_RECORDS` scales the healthy runs down for a quick look;
 * `DELIVERY_BENCH_WORKER_NODE_OPTIONS` passes Node flags (a heap limit) to the worker alone.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { type Config, parseConfig } from '../lib/config.js';
import type { Sql } from '../lib/db/connection.js';
import { insertDevice } from '../lib/db/devices.js';
import { type SyncToCrmInput, syncToCrmInput } from '../lib/delivery/input.js';
import type { SyncResult } from '../lib/delivery/types.js';
import { type BridgeProcess, spawnBridge, waitFor } from '../test/support/bridgeProcess.js';
import {
  type CrmBehaviour,
  type CrmReply,
  createIdempotentStore,
  type IdempotentStore,
  startCrmServer,
} from '../test/support/crmServer.js';
import { writeWorkflowBundle } from '../worker/workflowBundle.js';
import { syncToCrm } from '../workflows/index.js';
import {
  benchServices,
  benchWorkerEnv,
  freshDatabase,
  load,
  peakRssOfMiB,
  percentile,
  report,
} from './support.js';

const HEALTHY_RECORDS = Number(process.env.DELIVERY_BENCH_RECORDS ?? 10_000);
/** Which scenarios run: `DELIVERY_BENCH_SCENARIOS=flaky,rate-limited` for a part. */
const SCENARIOS = new Set(
  (process.env.DELIVERY_BENCH_SCENARIOS ?? 'healthy,crm-queue,flaky,rate-limited').split(','),
);
const FLAKY_RECORDS = 2_000;
const RAISED_CONCURRENCY = 32;
/** The original bridge sleeps this long after every record. */
const ORIGINAL_SLEEP_S = 0.1;

/** `count` records: 200 employees over count / 200 days. */
async function addRecords(sql: Sql, count: number): Promise<void> {
  await sql`truncate attendance_days cascade`;
  const [device] = await sql<{ id: number }[]>`select id from devices limit 1`;
  const deviceId =
    device?.id ??
    (
      await insertDevice(sql, {
        name: 'Main Office',
        host: '192.168.1.100',
        port: 4370,
        commKey: 0,
        timezone: 'Europe/Istanbul',
      })
    ).id;
  await sql`
    insert into attendance_days
      (user_id, date, clock_in, clock_in_local, clock_in_timezone, clock_in_device_id, clock_out,
       clock_out_local, clock_out_timezone, clock_out_device_id, punch_count, device_ids, punch_ids,
       content_key)
    select 'EMP' || lpad((n % 200)::text, 4, '0'), day, day + time '05:15', day + time '08:15',
      'Europe/Istanbul', ${deviceId}, day + time '14:30', day + time '17:30', 'Europe/Istanbul', ${deviceId},
      2, array[${deviceId}]::integer[], '{}'::bigint[], md5(n::text)
    from generate_series(0, ${count - 1}) as n,
      lateral (select date '2025-01-01' + (n / 200) as day) as d`;
}

/** A CRM that counts POSTs in flight and per second, around the behaviour given. */
function counted(inner: CrmBehaviour) {
  const startedMs = Date.now();
  const perSecond: number[] = [];
  let inFlight = 0;
  let mostInFlight = 0;
  const behaviour: CrmBehaviour = async (request, exchange) => {
    const second = Math.floor((Date.now() - startedMs) / 1000);
    perSecond[second] = (perSecond[second] ?? 0) + 1;
    inFlight += 1;
    mostInFlight = Math.max(mostInFlight, inFlight);
    try {
      const reply = await inner(request, exchange);
      // Held while the answer is delayed, so a stalled request counts as in flight until the bridge
      // gives up on it (its request timeout) or the answer goes out.
      if (reply.delayMs) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          new Promise((resolve) => {
            timer = setTimeout(resolve, reply.delayMs);
          }),
          ...(exchange ? [exchange.closed] : []),
        ]);
        clearTimeout(timer);
      }
      return { ...reply, delayMs: 0 } as CrmReply;
    } finally {
      inFlight -= 1;
    }
  };
  return {
    behaviour,
    perSecond: () => Array.from(perSecond, (n) => n ?? 0),
    mostInFlight: () => mostInFlight,
  };
}

/**
 * 30% of POSTs fail, evenly: reset, 429 (no Retry-After), 503 and, when `stallMs` is given, a stall
 * past the timeout (applied by the CRM all the same).
 */
function flaky(store: IdempotentStore, seed: number, stallMs: number | null) {
  let state = seed >>> 0;
  let stalled = 0;
  const next = () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
  const kinds = stallMs === null ? 3 : 4;
  const behaviour: CrmBehaviour = async (request) => {
    if (next() >= 0.3) return store.behaviour(request);
    switch (Math.floor(next() * kinds)) {
      case 0:
        return { hangUp: true };
      case 1:
        return { status: 429, body: { error: 'Too Many Requests' } };
      case 2:
        return { status: 503, body: { error: 'Service Unavailable' } };
      default: {
        // The CRM stores it but answers too late: the retry must be applied once only.
        await store.behaviour(request);
        stalled += 1;
        return { status: 201, delayMs: stallMs ?? 0 };
      }
    }
  };
  return { behaviour, stalled: () => stalled };
}

/** Answers 429 with `Retry-After` once more than `perSecond` POSTs arrived in the last second. */
function rateLimited(store: IdempotentStore, perSecond: number, retryAfterS: number) {
  const arrivals: number[] = [];
  let refused = 0;
  const behaviour: CrmBehaviour = (request) => {
    const nowMs = Date.now();
    while (arrivals.length > 0 && arrivals[0] <= nowMs - 1000) arrivals.shift();
    arrivals.push(nowMs);
    if (arrivals.length > perSecond) {
      refused += 1;
      return { status: 429, headers: { 'retry-after': String(retryAfterS) }, body: { error: 'slow down' } };
    }
    return store.behaviour(request);
  };
  return { behaviour, refused: () => refused };
}

interface Scenario {
  records: number;
  env: Record<string, string>;
  input?: Partial<SyncToCrmInput>;
  crm: CrmBehaviour;
}

interface Measured {
  result: SyncResult;
  seconds: number;
  config: Config;
  peakRssMiB: number;
  postMs: number[];
  /** POSTs the CRM received during this run. */
  posts: number;
  history: HistoryFigures;
}

interface HistoryFigures {
  runs: number;
  workflowTasks: number;
  markers: number;
  events: number;
  /** Seconds each run lasted, first event to last. */
  runSeconds: number[];
}

/** Runs, workflow tasks and markers of a sync and all the runs it continued as new into. */
async function historyOf(workflowId: string, firstRunId: string): Promise<HistoryFigures> {
  const figures: HistoryFigures = { runs: 0, workflowTasks: 0, markers: 0, events: 0, runSeconds: [] };
  let runId: string | null | undefined = firstRunId;
  while (runId) {
    const history: Awaited<ReturnType<WorkflowHandle['fetchHistory']>> = await client.workflow
      .getHandle(workflowId, runId)
      .fetchHistory();
    const events = history.events ?? [];
    const seconds = (event: (typeof events)[number] | undefined) =>
      Number(event?.eventTime?.seconds ?? 0) + (event?.eventTime?.nanos ?? 0) / 1e9;
    figures.runs += 1;
    figures.events += events.length;
    figures.workflowTasks += events.filter((e) => e.workflowTaskCompletedEventAttributes).length;
    figures.markers += events.filter((e) => e.markerRecordedEventAttributes).length;
    figures.runSeconds.push(seconds(events.at(-1)) - seconds(events[0]));
    runId = events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
  }
  return figures;
}

function historyLine(h: HistoryFigures, seconds: number): string {
  const inRuns = h.runSeconds.reduce((sum, s) => sum + s, 0);
  return (
    `${h.runs} runs, ${h.workflowTasks} workflow tasks, ${h.markers} markers, ${h.events} events; ` +
    `runs ${h.runSeconds.map((s) => s.toFixed(1)).join(' ')} s (${(seconds - inRuns).toFixed(1)} s between and around them)`
  );
}

const services = await benchServices({ temporal: true });
const db = await freshDatabase(services.databaseUrl, 'delivery');
const crm = await startCrmServer();
const bundlePath = path.join(os.tmpdir(), `bridge-bench-bundle-${randomBytes(3).toString('hex')}.js`);
await writeWorkflowBundle(bundlePath);
const connection = await Connection.connect({ address: services.temporalAddress! });
const client = new Client({ connection });
let worker: BridgeProcess | undefined;

async function stopWorker(): Promise<void> {
  if (!worker || worker.child.exitCode !== null) return;
  worker.child.kill('SIGTERM');
  await worker.exited;
}

async function pollers(taskQueue: string): Promise<number> {
  const answer = await client.workflowService.describeTaskQueue({
    namespace: 'default',
    taskQueue: { name: taskQueue },
    taskQueueType: 1,
  });
  return answer.pollers?.length ?? 0;
}

/** One sync of `records` fresh records by a worker process started with `env`. */
async function measure(name: string, scenario: Scenario): Promise<Measured> {
  const suffix = randomBytes(3).toString('hex');
  const env: Record<string, string> = {
    ...benchWorkerEnv({
      databaseUrl: db.url,
      temporalAddress: services.temporalAddress!,
      crmUrl: crm.url,
      suffix,
    }),
    WORKFLOW_BUNDLE: bundlePath,
    // The schedules the worker keeps must not start a sync of their own during the measurement.
    SYNC_INTERVAL_MINUTES: '1440',
    ...(process.env.DELIVERY_BENCH_WORKER_NODE_OPTIONS
      ? { NODE_OPTIONS: process.env.DELIVERY_BENCH_WORKER_NODE_OPTIONS }
      : {}),
    ...scenario.env,
  };
  const config = parseConfig(env);
  await addRecords(db.sql, scenario.records);
  crm.setBehaviour(scenario.crm);
  crm.requests.length = 0;
  worker = spawnBridge(['worker'], env);
  const running = worker;
  // Logging at warn keeps the worker quiet; it is up once its workflow worker polls.
  await waitFor(async () => ((await pollers(config.TEMPORAL_TASK_QUEUE)) > 0 ? true : undefined), {
    timeoutMs: 60_000,
    what: `the worker for ${name}`,
    stopIf: () => (running.child.exitCode !== null ? `it exited:\n${running.output()}` : null),
  });
  await client.schedule.getHandle('bridge-sync-crm').pause('delivery benchmark');
  const started = performance.now();
  const handle = await client.workflow.start(syncToCrm, {
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    workflowId: `sync-to-crm/bench-${name.replace(/\W+/g, '-')}-${suffix}`,
    args: [{ ...syncToCrmInput(config), ...scenario.input }],
  });
  const result = await handle.result();
  const seconds = (performance.now() - started) / 1000;
  const history = await historyOf(handle.workflowId, handle.firstExecutionRunId);
  const posts = crm.requests.length;
  report({ [`${name}: machine load (1 min) at the end`]: load() });
  const peakRssMiB = peakRssOfMiB(running.child.pid!);
  await stopWorker();
  const postMs = (
    await db.sql<
      { ms: number }[]
    >`select duration_ms as ms from delivery_attempts where duration_ms is not null`
  ).map((row) => row.ms);
  return { result, seconds, config, peakRssMiB, postMs, posts, history };
}

function delivery(m: Measured, store: IdempotentStore, records: number): string {
  const once = store.applied.length === records && new Set(store.applied.map((a) => a.key)).size === records;
  return (
    `${m.result.successful} of ${records} delivered, ${m.result.failed} failed; at the CRM ${store.applied.length} ` +
    `applied (${once ? 'each revision once' : 'NOT each once'}), ${m.posts} POSTs, ${store.repeats()} repeats`
  );
}

try {
  const rssPeaks: number[] = [];
  report({
    original: `sleeps ${ORIGINAL_SLEEP_S} s per record: under ${1 / ORIGINAL_SLEEP_S} records/s, so over ${
      HEALTHY_RECORDS * ORIGINAL_SLEEP_S
    } s for ${HEALTHY_RECORDS} records`,
  });

  for (const concurrency of SCENARIOS.has('healthy') ? [4, RAISED_CONCURRENCY] : []) {
    const store = createIdempotentStore();
    const m = await measure(`healthy-c${concurrency}`, {
      records: HEALTHY_RECORDS,
      env: { CRM_SYNC_CONCURRENCY: String(concurrency) },
      crm: store.behaviour,
    });
    rssPeaks.push(m.peakRssMiB);
    const tag = `healthy, CRM_SYNC_CONCURRENCY=${concurrency}${concurrency === 4 ? ' (default)' : ''}`;
    report({
      [`${tag}: delivered`]: delivery(m, store, HEALTHY_RECORDS),
      [`${tag}: seconds / records/s`]: `${m.seconds.toFixed(1)} s, ${Math.round(m.result.successful / m.seconds)} records/s`,
      [`${tag}: POST p50 / p95 ms`]: `${percentile(m.postMs, 50)} / ${percentile(m.postMs, 95)}`,
      [`${tag}: worker peak RSS MiB`]: m.peakRssMiB,
      [`${tag}: history`]: historyLine(m.history, m.seconds),
    });
  }

  // The same on the CRM queue (activities, not local ones), on fewer records: what the local ones save.
  if (SCENARIOS.has('crm-queue')) {
    const records = Math.min(HEALTHY_RECORDS, 2_000);
    const store = createIdempotentStore();
    const m = await measure('healthy-crm-queue', {
      records,
      env: { CRM_DELIVERY_ON: 'crm-queue' },
      crm: store.behaviour,
    });
    rssPeaks.push(m.peakRssMiB);
    report({
      'healthy, CRM_DELIVERY_ON=crm-queue, concurrency 4: delivered': delivery(m, store, records),
      'healthy, CRM_DELIVERY_ON=crm-queue: seconds / records/s': `${m.seconds.toFixed(1)} s, ${Math.round(
        m.result.successful / m.seconds,
      )} records/s`,
    });
  }

  if (SCENARIOS.has('flaky')) {
    // Flaky: short timeouts and back-off, and attempts enough that 30% failures still get through.
    const flakySettings = {
      env: { CRM_REQUEST_TIMEOUT: '1', CRM_MAX_RETRIES: '10' },
      input: { retryInitialIntervalMs: 1000, retryBackoffCoefficient: 2, retryMaximumIntervalMs: 4000 },
    };
    const longestBackoffS = flakySettings.input.retryMaximumIntervalMs / 1000;
    const attempts = Number(flakySettings.env.CRM_MAX_RETRIES);
    const cleanStore = createIdempotentStore();
    const clean = await measure('clean-2000', {
      records: FLAKY_RECORDS,
      ...flakySettings,
      crm: cleanStore.behaviour,
    });
    rssPeaks.push(clean.peakRssMiB);
    report({
      'flaky: clean run of the same 2,000': `${clean.seconds.toFixed(1)} s (${delivery(clean, cleanStore, FLAKY_RECORDS)})`,
    });
    const bound = clean.seconds * 2 + longestBackoffS * attempts;
    const boundLine = `${bound.toFixed(1)} s (${clean.seconds.toFixed(1)} x 2 + ${longestBackoffS} s x ${attempts})`;
    // With stalls, each stalled POST holds its slot until the timeout: a floor no scheduling removes.
    for (const [name, stallMs] of [
      ['30% failing at once (reset, 429, 503)', null],
      ['30% failing, a quarter of them stalls past the timeout', 1500],
    ] as const) {
      const store = createIdempotentStore();
      const crm = flaky(store, 7, stallMs);
      const counts = counted(crm.behaviour);
      const run = await measure(`flaky-2000${stallMs === null ? '' : '-stalls'}`, {
        records: FLAKY_RECORDS,
        ...flakySettings,
        crm: counts.behaviour,
      });
      rssPeaks.push(run.peakRssMiB);
      const stalled = crm.stalled();
      const floorS = (stalled * Number(flakySettings.env.CRM_REQUEST_TIMEOUT)) / 4;
      report({
        [`flaky: ${name}`]: `${run.seconds.toFixed(1)} s (${delivery(run, store, FLAKY_RECORDS)})`,
        [`flaky: ${name}: bound`]: `${boundLine}: ${run.seconds <= bound ? 'within' : 'OVER'}`,
        ...(stallMs === null
          ? {}
          : {
              [`flaky: ${name}: slots held by stalls`]: `${stalled} stalled POSTs x ${flakySettings.env.CRM_REQUEST_TIMEOUT} s / 4 slots = ${floorS.toFixed(1)} s`,
            }),
        [`flaky: ${name}: POSTs in flight at most (concurrency 4)`]: counts.mostInFlight(),
        [`flaky: ${name}: history`]: historyLine(run.history, run.seconds),
      });
    }
  }

  if (SCENARIOS.has('rate-limited')) {
    // Rate-limited: past 100 POSTs in a second the CRM answers 429 with Retry-After: 1.
    const limitedStore = createIdempotentStore();
    const limiter = rateLimited(limitedStore, 100, 1);
    const limitedCounts = counted(limiter.behaviour);
    const limited = await measure('rate-limited-2000', {
      records: FLAKY_RECORDS,
      env: { CRM_SYNC_CONCURRENCY: String(RAISED_CONCURRENCY), CRM_MAX_RETRIES: '10' },
      input: { retryInitialIntervalMs: 1000, retryMaximumIntervalMs: 4000 },
      crm: limitedCounts.behaviour,
    });
    rssPeaks.push(limited.peakRssMiB);
    report({
      'rate-limited: delivered': delivery(limited, limitedStore, FLAKY_RECORDS),
      'rate-limited: seconds': limited.seconds.toFixed(1),
      'rate-limited: 429s answered': limiter.refused(),
      'rate-limited: POSTs per second, first 12 s': limitedCounts.perSecond().slice(0, 12).join(' '),
    });
  }
  report({ 'peak RSS MiB of the worker process, all runs': Math.max(...rssPeaks) });
} finally {
  await stopWorker();
  await connection.close();
  await crm.close();
  await db.drop();
  rmSync(bundlePath, { force: true });
  await services.stop();
}
