import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { Workflow, WorkflowResultType } from '@temporalio/common';
import { hashPassword } from '../../lib/auth/passwords.js';
import { createToken } from '../../lib/auth/tokens.js';
import { type Config, parseConfig } from '../../lib/config.js';
import type { Sql } from '../../lib/db/connection.js';
import { insertConsoleUser } from '../../lib/db/consoleUsers.js';
import type { SyncResult } from '../../lib/delivery/types.js';
import type { PollAllResult } from '../../lib/devices/types.js';
import type { Logger } from '../../lib/logger.js';
import type { ProcessingCounts } from '../../lib/processing/counts.js';
import {
  manualProcessStart,
  pollAllStart,
  startOrJoin,
  syncStart,
  type WorkflowStart,
} from '../../workflows/starts.js';
import { type RunningBridge, startBridge } from '../bridge.js';
import { Closers } from '../services.js';
import { type DemoCrm, startDemoCrm } from './crm.js';
import { demoDevices, type RunningDemoDevice, startDemoDevices } from './devices.js';

/** The demo keeps its state beside, not inside, what `npm start` uses. */
export const DEMO_DATA_SUBDIR = 'demo';
export const DEMO_USER = 'demo';

/**
 * The demo's settings: the environment's (ports, zone, log level), with its own data directory and
 * always its own local PostgreSQL, Temporal and CRM, so a demo never writes to a real database or
 * delivers to a real CRM whatever `.env` says.
 */
export function demoConfig(env: Record<string, string | undefined>, crm: DemoCrm): Config {
  const base = parseConfig(env);
  return parseConfig({
    ...env,
    DATA_DIR: path.join(base.dataDir, DEMO_DATA_SUBDIR),
    DATABASE_URL: '',
    TEMPORAL_ADDRESS: '',
    API_TOKEN: '',
    CRM_API_URL: crm.url,
    CRM_API_TOKEN: crm.token,
    CRM_CA_FILE: '',
    // Two tries, so a record the CRM is busy for shows as failed within seconds; more deliveries at
    // once, so the month of history is delivered within a minute or so.
    CRM_MAX_RETRIES: '2',
    CRM_SYNC_CONCURRENCY: '8',
    // Night shifts (20:00 to 05:00) are one record dated the evening they started.
    DAY_CHANGE_TIME: env.DAY_CHANGE_TIME || '07:00',
    LOG_LEVEL: env.LOG_LEVEL || 'error',
  });
}

export interface RunningDemo {
  config: Config;
  bridge: RunningBridge;
  crm: DemoCrm;
  devices: RunningDemoDevice[];
  apiToken: string;
  /** How to sign in to the console, for the start-up output. */
  consoleLogin: string;
  stop(): Promise<void>;
}

/**
 * Everything `npm start` runs, on the demo's data directory, plus three simulated F18s and a local
 * CRM. The demo database is emptied first, so every demo starts from the same state.
 */
export async function startDemo(
  env: Record<string, string | undefined>,
  logger: Logger,
  now: Date = new Date(),
): Promise<RunningDemo> {
  const closers = new Closers();
  try {
    const crm = await startDemoCrm();
    closers.add('the demo CRM', crm.close);
    const config = demoConfig(env, crm);
    const bridge = await startBridge(config, logger, { api: true, worker: true, local: true });
    closers.add('the bridge', bridge.stop);
    await emptyDemoDatabase(bridge.sql);
    const devices = await startDemoDevices(bridge.sql, demoDevices(config.TIME_ZONE), now);
    for (const { simulator } of devices) closers.add('a simulated device', () => simulator.close());
    const { token } = await createToken(bridge.sql, 'demo');
    const consoleLogin = await createDemoConsoleUser(bridge.sql);
    return {
      config,
      bridge,
      crm,
      devices,
      apiToken: token,
      consoleLogin,
      stop: () => closers.closeAll(logger),
    };
  } catch (error) {
    await closers.closeAll(logger);
    throw error;
  }
}

/** The console user `demo` with a fresh password, printed at start (the database was just emptied). */
async function createDemoConsoleUser(sql: Sql): Promise<string> {
  const password = randomBytes(9).toString('base64url');
  await insertConsoleUser(sql, DEMO_USER, await hashPassword(password));
  return `user "${DEMO_USER}", password "${password}"`;
}

/** Only ever the demo's own embedded database (demoConfig never lets DATABASE_URL through). */
async function emptyDemoDatabase(sql: Sql): Promise<void> {
  const tables = await sql<{ name: string }[]>`
    select tablename as name from pg_tables
    where schemaname = current_schema() and tablename <> 'schema_migrations'`;
  if (tables.length === 0) return;
  await sql`truncate ${sql(tables.map((t) => t.name))} restart identity cascade`;
}

export type DemoStep =
  | { step: 'poll'; result: PollAllResult }
  | { step: 'process'; result: ProcessingCounts }
  | { step: 'sync'; result: SyncResult };

/**
 * A poll, a processing run and a sync, one after the other, under the ids an operator's "run now"
 * uses, so they show in the Temporal Web UI as such. `signal` ends the waiting (the runs go on in
 * Temporal), so the client can close without a call in flight.
 */
export async function runDemoPipeline(
  client: Client,
  config: Config,
  onStep: (step: DemoStep) => void,
  signal: AbortSignal,
): Promise<void> {
  const run = async <W extends Workflow>(start: WorkflowStart<W>) => {
    const handle = await startOrJoin(client, start);
    return (await client.withAbortSignal(signal, () => handle.result())) as WorkflowResultType<W>;
  };
  onStep({ step: 'poll', result: await run(pollAllStart(config, 'manual')) });
  onStep({ step: 'process', result: await run(manualProcessStart(config)) });
  onStep({ step: 'sync', result: await run(syncStart(config, 'manual')) });
}
