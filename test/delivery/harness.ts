// Real Temporal, real PostgreSQL and a real CRM endpoint for the delivery workflows.
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { ActivityDeps } from '../../activities/deps.js';
import type { Config } from '../../lib/config.js';
import { type CrmClientOptions, createCrmClient } from '../../lib/crm/client.js';
import {
  deliverySettingsFromConfig,
  type RetryFailedSyncsInput,
  type SyncToCrmInput,
} from '../../lib/delivery/input.js';
import type { SyncResult } from '../../lib/delivery/types.js';
import { createLogger } from '../../lib/logger.js';
import { type CrmServer, type CrmServerOptions, startCrmServer } from '../support/crmServer.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { connectTestClient, startTestWorkers, testConfig } from '../support/temporal.js';

export const crmToken = 'tok_delivery_9e8d7c6b5a4f3e2d';

export interface Harness {
  db: TestDatabase;
  crm: CrmServer;
  config: Config;
  /** Mutable: a test may swap the CRM client (or set it to null). */
  deps: ActivityDeps;
  /** Every log line written so far, as pino wrote it. */
  logLines: string[];
  /** A CRM client for `crm` (or the given URL) with the test token. */
  crmClient(options?: Partial<CrmClientOptions>): ActivityDeps['crm'];
  /** Settings with short retry delays, so the tests wait milliseconds where production waits seconds. */
  settings(): ReturnType<typeof deliverySettingsFromConfig>;
  sync(input?: Partial<SyncToCrmInput>, workflowId?: string): Promise<SyncResult>;
  retryFailed(input?: Partial<RetryFailedSyncsInput>, workflowId?: string): Promise<SyncResult>;
  /** Starts a sync without waiting for it. */
  startSync(input?: Partial<SyncToCrmInput>, workflowId?: string): Promise<StartedRun>;
  close(): Promise<void>;
}

export interface StartedRun {
  workflowId: string;
  firstExecutionRunId: string;
  result(): Promise<SyncResult>;
  /** The run now (the last one, after continue-as-new). */
  currentRunId(): Promise<string>;
}

export async function startHarness(
  options: { crm?: CrmServerOptions; config?: Record<string, string> } = {},
): Promise<Harness> {
  const db = await createTestDatabase();
  const crm = await startCrmServer(options.crm);
  const config = testConfig({ CRM_SYNC_CONCURRENCY: '8', LOG_LEVEL: 'debug', ...options.config });
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(chunk.toString());
      done();
    },
  });
  const crmClient = (overrides: Partial<CrmClientOptions> = {}) =>
    createCrmClient({ url: crm.url, token: crmToken, timeoutMs: 5000, ...overrides });
  const deps: ActivityDeps = {
    sql: db.sql,
    config,
    logger: createLogger('debug', sink),
    connectDevice: async () => {
      throw new Error('delivery tests talk to no device');
    },
    crm: crmClient(),
    now: () => new Date(),
  };
  const workers = await startTestWorkers({ config, deps });
  const temporal = await connectTestClient();

  const start = async (
    type: 'syncToCrm' | 'retryFailedSyncs',
    input: object,
    workflowId?: string,
  ): Promise<StartedRun> => {
    const handle = await temporal.client.workflow.start(type, {
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      workflowId: workflowId ?? `${type}/test-${randomBytes(4).toString('hex')}`,
      args: [input],
      workflowExecutionTimeout: '2 minutes',
    });
    return {
      workflowId: handle.workflowId,
      firstExecutionRunId: handle.firstExecutionRunId,
      result: () => handle.result() as Promise<SyncResult>,
      currentRunId: async () =>
        (await temporal.client.workflow.getHandle(handle.workflowId).describe()).runId,
    };
  };

  const settings = () => ({
    ...deliverySettingsFromConfig(config),
    retryInitialIntervalMs: 50,
    retryMaximumIntervalMs: 400,
    deliveryTimeoutMs: 20_000,
  });

  return {
    db,
    crm,
    config,
    deps,
    logLines,
    crmClient,
    settings,
    startSync: (input = {}, workflowId) => start('syncToCrm', { ...settings(), ...input }, workflowId),
    sync: async (input = {}, workflowId) =>
      (await start('syncToCrm', { ...settings(), ...input }, workflowId)).result(),
    retryFailed: async (input = {}, workflowId) =>
      (
        await start(
          'retryFailedSyncs',
          { ...settings(), rounds: config.CRM_RETRY_FAILED_ROUNDS, ...input },
          workflowId,
        )
      ).result(),
    async close() {
      await workers.shutdown();
      await temporal.close();
      await crm.close();
      await db.drop();
    },
  };
}
