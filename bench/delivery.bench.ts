/**
 * CRM delivery: 10,000 daily records through the syncToCrm workflow to a local CRM (HTTP, answers 201
 * at once), at concurrency 1 and 16. Reports records/s end to end, the per-record latency through
 * Temporal (delivery activity scheduled -> completed, from the workflow history) and the POST alone
 * (duration_ms of the attempt rows).
 */
import { randomBytes } from 'node:crypto';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { parseConfig } from '../lib/config.js';
import { createCrmClient } from '../lib/crm/client.js';
import { connect, type Sql } from '../lib/db/connection.js';
import { insertDevice } from '../lib/db/devices.js';
import { migrate } from '../lib/db/migrate.js';
import { syncToCrmInput } from '../lib/delivery/input.js';
import { createLogger } from '../lib/logger.js';
import { connectWorkers } from '../runtime/temporalConnection.js';
import { startCrmServer } from '../test/support/crm-server.js';
import { startWorkers } from '../worker/workers.js';
import { syncToCrm } from '../workflows/index.js';
import { benchServices, peakRssMiB, report } from './support.js';

const RECORDS = 10_000;
const CONCURRENCIES = [1, 16];

/** A database of its own on the given server, so a shared DATABASE_URL is left as it was. */
async function freshDatabase(serverUrl: string): Promise<{ sql: Sql; drop(): Promise<void> }> {
  const name = `bridge_bench_delivery_${randomBytes(4).toString('hex')}`;
  const admin = connect(serverUrl, { max: 1 });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const sql = connect(url.toString());
  await migrate(sql);
  return {
    sql,
    async drop() {
      await sql.end({ timeout: 5 });
      const cleanup = connect(serverUrl, { max: 1 });
      await cleanup.unsafe(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}

async function addRecords(sql: Sql, count: number): Promise<void> {
  const device = await insertDevice(sql, {
    name: 'Main Office',
    host: '192.168.1.100',
    port: 4370,
    commKey: 0,
    timezone: 'Europe/Istanbul',
  });
  // 200 employees over 50 days.
  await sql`
    insert into attendance_days
      (user_id, date, clock_in, clock_in_local, clock_in_timezone, clock_in_device_id, clock_out,
       clock_out_local, clock_out_timezone, clock_out_device_id, punch_count, device_ids, punch_ids,
       content_key)
    select 'EMP' || lpad((n % 200)::text, 4, '0'), day, day + time '05:15', day + time '08:15',
      'Europe/Istanbul', ${device.id}, day + time '14:30', day + time '17:30', 'Europe/Istanbul', ${device.id},
      2, array[${device.id}]::integer[], '{}'::bigint[], md5(n::text)
    from generate_series(0, ${count - 1}) as n,
      lateral (select date '2025-01-01' + (n / 200) as day) as d`;
}

async function resetDeliveries(sql: Sql): Promise<void> {
  await sql`truncate delivery_attempts`;
  await sql`
    update attendance_days
    set delivery_status = 'pending', delivered_revision = null, delivered_at = null, sync_attempts = 0,
        last_sync_attempt = null, last_sync_error = null`;
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

type History = Awaited<ReturnType<WorkflowHandle['fetchHistory']>>;

/** Scheduled -> completed of every delivery activity, over all runs of a continued-as-new chain. */
async function activityLatenciesMs(
  client: Client,
  workflowId: string,
  firstRunId: string,
): Promise<number[]> {
  const latencies: number[] = [];
  let runId: string | undefined = firstRunId;
  while (runId) {
    const history: History = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    const scheduled = new Map<string, number>();
    runId = undefined;
    for (const event of history.events ?? []) {
      const atMs = Number(event.eventTime?.seconds ?? 0) * 1000 + (event.eventTime?.nanos ?? 0) / 1e6;
      const started = event.activityTaskScheduledEventAttributes;
      if (started?.activityType?.name === 'deliverAttendanceDay') scheduled.set(String(event.eventId), atMs);
      const completed = event.activityTaskCompletedEventAttributes;
      const from = completed ? scheduled.get(String(completed.scheduledEventId)) : undefined;
      if (from !== undefined) latencies.push(Math.round(atMs - from));
      const next: string | null | undefined =
        event.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
      if (next) runId = next;
    }
  }
  return latencies;
}

const services = await benchServices({ temporal: true });
const db = await freshDatabase(services.databaseUrl);
const crm = await startCrmServer({ behaviour: () => ({ status: 201 }) });
const suffix = randomBytes(3).toString('hex');
const config = parseConfig({
  LOG_LEVEL: 'silent',
  TEMPORAL_TASK_QUEUE: `bench-main-${suffix}`,
  DEVICE_TASK_QUEUE: `bench-devices-${suffix}`,
  CRM_TASK_QUEUE: `bench-crm-${suffix}`,
  CRM_SYNC_CONCURRENCY: String(Math.max(...CONCURRENCIES)),
});
const workerConnection = await connectWorkers(services.temporalAddress!, config);
const workers = await startWorkers({
  connection: workerConnection,
  config,
  deps: {
    sql: db.sql,
    config,
    logger: createLogger('silent'),
    connectDevice: async () => {
      throw new Error('the delivery benchmark talks to no device');
    },
    crm: createCrmClient({ url: crm.url, token: 'bench-token', timeoutMs: 30_000 }),
    now: () => new Date(),
  },
});
const connection = await Connection.connect({ address: services.temporalAddress! });
const client = new Client({ connection });
try {
  await addRecords(db.sql, RECORDS);
  for (const concurrency of CONCURRENCIES) {
    await resetDeliveries(db.sql);
    crm.requests.length = 0;
    const input = { ...syncToCrmInput(config), concurrency };
    const workflowId = `sync-to-crm/bench-${suffix}-c${concurrency}`;
    const started = performance.now();
    const handle = await client.workflow.start(syncToCrm, {
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      workflowId,
      args: [input],
    });
    const result = await handle.result();
    const seconds = (performance.now() - started) / 1000;
    const activityMs = await activityLatenciesMs(client, workflowId, handle.firstExecutionRunId);
    const postMs = (await db.sql<{ ms: number }[]>`select duration_ms as ms from delivery_attempts`).map(
      (row) => row.ms,
    );
    const tag = `concurrency ${concurrency}`;
    report({
      [`${tag}: delivered`]: `${result.successful} of ${RECORDS} (failed ${result.failed}, POSTs ${crm.requests.length})`,
      [`${tag}: seconds end to end`]: seconds.toFixed(1),
      [`${tag}: records/s`]: Math.round(result.successful / seconds),
      [`${tag}: per record, activity p50 / p95 ms`]: `${percentile(activityMs, 50)} / ${percentile(activityMs, 95)}`,
      [`${tag}: per record, POST p50 / p95 ms`]: `${percentile(postMs, 50)} / ${percentile(postMs, 95)}`,
    });
  }
  report({
    'page size (CRM_SYNC_BATCH_SIZE)': config.CRM_SYNC_BATCH_SIZE,
    'peak RSS MiB (bench process, incl. worker and CRM)': peakRssMiB(),
  });
} finally {
  await connection.close();
  await workers.shutdown();
  await workerConnection.close();
  await crm.close();
  await db.drop();
  await services.stop();
}
