import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { serve } from '@hono/node-server';
import type { Client } from '@temporalio/client';
import { createApp } from '../api/app.js';
import { countActiveTokens, createToken, createTokenVerifier } from '../lib/auth/tokens.js';
import type { Config } from '../lib/config.js';
import { crmClientFromConfig } from '../lib/crm/fromConfig.js';
import type { Sql } from '../lib/db/connection.js';
import type { Logger } from '../lib/logger.js';
import { bridgeVersion } from '../lib/version.js';
import { ZkClient } from '../lib/zk/client/index.js';
import { createPushApp } from '../push/app.js';
import { servePush } from '../push/server.js';
import { serveWorkerMetrics } from '../worker/metricsServer.js';
import { readWorkerMetrics } from '../worker/runtime.js';
import { ensureSchedules } from '../worker/schedules.js';
import { startWorkers } from '../worker/workers.js';
import {
  bundleSourcesApart,
  chooseWorkflowSource,
  defaultWorkflowBundlePath,
} from '../worker/workflowBundle.js';
import { listening, requirePortFree } from './ports.js';
import { Closers, lockDataDir, openDatabase, openTemporal } from './services.js';
import { connectWorkers } from './temporalConnection.js';

export interface BridgeParts {
  api: boolean;
  worker: boolean;
  /** Laptop mode: embedded PostgreSQL and a local Temporal server when their settings are unset. */
  local: boolean;
}

export interface RunningBridge {
  apiUrl: string | null;
  /** The push (iclock) receiver, served beside the API unless ADMS_PORT is 0. */
  pushUrl: string | null;
  temporalUiUrl: string | null;
  temporalAddress: string;
  temporalNamespace: string;
  /** Which PostgreSQL, and why its files are where they are when that needs saying. */
  database: { where: string; notes: string[] };
  /** Where the workers' workflow code came from, when this process runs workers. */
  workflowSource: string | null;
  /** The worker's own /metrics, when the workers run without the API (`bridge worker`). */
  workerMetricsUrl: string | null;
  /** Set when a token was generated at this start: shown once, stored only hashed. */
  generatedToken: string | null;
  /** The bridge's own database pool and Temporal client, for what runs beside it (`bridge demo`). */
  sql: Sql;
  temporal: Client;
  /** Rejects when a part fails on its own (e.g. the worker loses its server for good). */
  failed: Promise<never>;
  stop(): Promise<void>;
}

/** Starts the parts of the bridge this process runs, in dependency order, and stops them in reverse. */
export async function startBridge(
  config: Config,
  logger: Logger,
  parts: BridgeParts,
): Promise<RunningBridge> {
  const closers = new Closers();
  try {
    if (parts.api) await requirePortFree(config.PORT, 'The API', 'PORT', config.API_HOST);
    if (parts.api && config.ADMS_PORT !== 0) {
      await requirePortFree(
        config.ADMS_PORT,
        'The push receiver',
        'ADMS_PORT (0 turns it off)',
        config.ADMS_HOST,
      );
    }
    // With the API in the same process its /metrics shows the worker's too; alone, the worker serves its own.
    const workerMetricsPort = parts.worker && !parts.api ? config.WORKER_METRICS_PORT : 0;
    if (workerMetricsPort !== 0) {
      await requirePortFree(
        workerMetricsPort,
        'The worker metrics endpoint',
        'WORKER_METRICS_PORT (0 turns it off)',
        config.WORKER_METRICS_HOST,
      );
    }
    if (parts.local) closers.add('the data directory lock', lockDataDir(config.dataDir));

    const db = await openDatabase(config, closers, logger, { allowEmbedded: parts.local });
    const temporal = await openTemporal(config, closers, logger, { allowLocal: parts.local });

    let failed: Promise<never> = new Promise(() => {});
    let workflowSource: string | null = null;
    let workerMetricsUrl: string | null = null;
    if (parts.worker) {
      // A production worker loads the bundle its image built; a laptop bundles its current sources.
      const workflows = parts.local
        ? await bundleSourcesApart(path.join(config.dataDir, 'workflow-bundle.js'))
        : chooseWorkflowSource(config.WORKFLOW_BUNDLE ?? defaultWorkflowBundlePath);
      if ('fallbackReason' in workflows)
        logger.warn({ msg: 'workflows bundled in this process', reason: workflows.fallbackReason });
      workflowSource = workflows.description;
      const schedules = await ensureSchedules(temporal.client, config);
      logger.info({ msg: 'schedules ready', ...schedules });
      const connection = await connectWorkers(temporal.address, config);
      closers.add('the workers connection', () => connection.close());
      const workers = await startWorkers({
        connection,
        config,
        workflows: workflows.source,
        deps: {
          sql: db.sql,
          config,
          logger,
          connectDevice: (options) => ZkClient.connect(options),
          crm: crmClientFromConfig(config),
          now: () => new Date(),
        },
      });
      closers.add('the workers', () => workers.shutdown());
      failed = workers.done.then(() => new Promise<never>(() => {}));
      if (workerMetricsPort !== 0) {
        const metrics = await serveWorkerMetrics({
          host: config.WORKER_METRICS_HOST,
          port: workerMetricsPort,
          logger,
        });
        closers.add('the worker metrics endpoint', metrics.close);
        workerMetricsUrl = metrics.url;
      }
    }

    let apiUrl: string | null = null;
    let generatedToken: string | null = null;
    let pushUrl: string | null = null;
    if (parts.api) {
      if (!config.API_TOKEN && (await countActiveTokens(db.sql)) === 0) {
        generatedToken = (await createToken(db.sql, 'bootstrap')).token;
      }
      const app = createApp({
        sql: db.sql,
        temporal: temporal.client,
        config,
        logger,
        version: bridgeVersion,
        verifyToken: createTokenVerifier(db.sql, config.API_TOKEN),
        workerMetrics: parts.worker ? () => readWorkerMetrics(logger) : undefined,
      });
      const server = await listening(
        () =>
          new Promise<ReturnType<typeof serve>>((resolve, reject) => {
            const s = serve({ fetch: app.fetch, port: config.PORT, hostname: config.API_HOST }, () =>
              resolve(s),
            );
            s.once('error', reject);
          }),
        { port: config.PORT, what: 'The API', setting: 'PORT', host: config.API_HOST },
      );
      closers.add('the API server', () => new Promise<void>((resolve) => server.close(() => resolve())));
      const { port } = server.address() as AddressInfo;
      const shownHost = config.API_HOST === '0.0.0.0' ? '127.0.0.1' : config.API_HOST;
      apiUrl = `http://${shownHost}:${port}`;
      if (config.ADMS_PORT !== 0) {
        const pushApp = createPushApp({ sql: db.sql, logger, config, version: bridgeVersion });
        const push = await listening(
          () => servePush(pushApp, { host: config.ADMS_HOST, port: config.ADMS_PORT }),
          {
            port: config.ADMS_PORT,
            what: 'The push receiver',
            setting: 'ADMS_PORT (0 turns it off)',
            host: config.ADMS_HOST,
          },
        );
        closers.add('the push receiver', push.close);
        pushUrl = push.url;
      }
    }

    return {
      apiUrl,
      pushUrl,
      temporalUiUrl: temporal.uiUrl,
      temporalAddress: temporal.address,
      temporalNamespace: config.TEMPORAL_NAMESPACE,
      database: { where: db.where, notes: db.notes },
      workflowSource,
      workerMetricsUrl,
      generatedToken,
      sql: db.sql,
      temporal: temporal.client,
      failed,
      stop: () => closers.closeAll(logger),
    };
  } catch (error) {
    await closers.closeAll(logger);
    throw error;
  }
}
