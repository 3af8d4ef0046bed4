import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseConfig } from '../../../lib/config.js';
import {
  embeddedPostgresUrl,
  type LocalPostgres,
  startEmbeddedPostgres,
} from '../../../runtime/embeddedPostgres.js';
import { freePort } from '../../../runtime/ports.js';
import { type LocalTemporal, startTemporalDevServer } from '../../../runtime/temporalDevServer.js';

/**
 * A PostgreSQL and a Temporal dev server of the fault scenario's own, on fixed ports and with their
 * state on disk, so a scenario can crash and restart them without touching the other tests'
 * servers. PostgreSQL restarts in immediate mode (SIGQUIT: no checkpoint, connections cut, crash
 * recovery at the next start); Temporal is stopped and started again on its SQLite file.
 */
export interface FaultServices {
  databaseUrl: string;
  temporalAddress: string;
  restartPostgres(options?: { downMs?: number }): Promise<{ downMs: number }>;
  stopTemporal(): Promise<void>;
  startTemporal(): Promise<void>;
  stop(): Promise<void>;
}

export async function startFaultServices(): Promise<FaultServices> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bridge-faults-'));
  chmodSync(dir, 0o755);
  const pgPort = await freePort();
  const temporalPort = await freePort();
  const sharedDir = parseConfig(process.env).EMBEDDED_POSTGRES_SHARED_DIR;
  const startPg = () => startEmbeddedPostgres({ dataDir: dir, port: pgPort, database: 'bridge', sharedDir });
  const cli = process.env.TEST_TEMPORAL_CLI;
  if (!cli) throw new Error('TEST_TEMPORAL_CLI is unset: run the fault scenarios through jest.');
  const startTemporalServer = () =>
    startTemporalDevServer({
      cli,
      dataDir: path.join(dir, 'temporal'),
      port: temporalPort,
      uiPort: 0,
      namespace: 'default',
      headless: true,
      startTimeoutMs: 120_000,
    });

  let pg: LocalPostgres = await startPg();
  let temporal: LocalTemporal | null = await startTemporalServer();

  return {
    databaseUrl: embeddedPostgresUrl(pgPort, 'bridge'),
    temporalAddress: `127.0.0.1:${temporalPort}`,
    async restartPostgres(options = {}) {
      const started = Date.now();
      const postmaster = Number(readFileSync(path.join(pg.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      process.kill(postmaster, 'SIGQUIT');
      await pg.stop();
      if (options.downMs) await new Promise((resolve) => setTimeout(resolve, options.downMs));
      pg = await startPg();
      return { downMs: Date.now() - started };
    },
    async stopTemporal() {
      await temporal?.stop();
      temporal = null;
    },
    async startTemporal() {
      temporal ??= await startTemporalServer();
    },
    async stop() {
      await temporal?.stop().catch(() => {});
      await pg.stop().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
