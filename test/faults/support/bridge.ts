import { Client, Connection } from '@temporalio/client';
import { connect, type Sql } from '../../../lib/db/connection.js';
import { freePort } from '../../../runtime/ports.js';
import { type BridgeProcess, spawnBridge, waitFor } from '../../support/bridgeProcess.js';
import type { FaultServices } from './services.js';

export const API_TOKEN = 'faults-api-token-4c1f9e27b8';
export const CRM_TOKEN = 'faults-crm-token-93ad7710e5';
export const COMM_KEY = 734_219;

/** Scheduled runs never fire during a scenario: the test starts every run itself. */
export const QUIET_SCHEDULES = {
  POLLING_INTERVAL_MINUTES: '1440',
  SYNC_INTERVAL_MINUTES: '1440',
  PROCESS_SCHEDULE_CRON: '0 0 1 1 *',
  RETRY_FAILED_SCHEDULE_CRON: '0 0 1 1 *',
  CLEANUP_SCHEDULE_CRON: '0 0 1 1 *',
};

/**
 * The bridge as production runs it: `bridge worker` and `bridge api` as processes of their own
 * against the scenario's PostgreSQL and Temporal. Every process's output is kept, killed ones too,
 * for the secrets check.
 */
export class FaultBridge {
  readonly workers: BridgeProcess[] = [];
  readonly apis: Array<BridgeProcess & { url: string }> = [];
  private readonly finished: BridgeProcess[] = [];

  private constructor(
    readonly services: FaultServices,
    readonly env: Record<string, string>,
    readonly sql: Sql,
    readonly client: Client,
    private readonly connection: Connection,
  ) {}

  static async start(services: FaultServices, settings: Record<string, string>): Promise<FaultBridge> {
    const env = {
      DATABASE_URL: services.databaseUrl,
      TEMPORAL_ADDRESS: services.temporalAddress,
      TEMPORAL_NAMESPACE: 'default',
      API_TOKEN,
      CRM_API_TOKEN: CRM_TOKEN,
      WORKER_METRICS_PORT: '0',
      // Two API processes run at once here; none of these scenarios pushes.
      ADMS_PORT: '0',
      LOG_LEVEL: 'info',
      ...QUIET_SCHEDULES,
      ...settings,
    };
    const sql = connect(services.databaseUrl, { max: 4 });
    const connection = await Connection.connect({ address: services.temporalAddress });
    return new FaultBridge(services, env, sql, new Client({ connection, namespace: 'default' }), connection);
  }

  async startWorker(): Promise<BridgeProcess> {
    const worker = spawnBridge(['worker'], this.env);
    this.workers.push(worker);
    await waitFor(async () => (worker.output().includes('workers running') ? true : undefined), {
      timeoutMs: 120_000,
      what: 'the worker to start',
      stopIf: () => (worker.child.exitCode !== null ? `the worker exited:\n${worker.output()}` : null),
    });
    return worker;
  }

  async startApi(): Promise<BridgeProcess & { url: string }> {
    const port = await freePort();
    const api = Object.assign(spawnBridge(['api'], { ...this.env, PORT: String(port) }), {
      url: `http://127.0.0.1:${port}`,
    });
    this.apis.push(api);
    await waitFor(async () => ((await fetch(`${api.url}/health`)).status > 0 ? true : undefined), {
      timeoutMs: 60_000,
      what: 'the API to answer',
      stopIf: () => (api.child.exitCode !== null ? `the API exited:\n${api.output()}` : null),
    });
    return api;
  }

  /** SIGKILL: no shutdown, no drain, as a crash or the OOM killer would. */
  async kill(process: BridgeProcess): Promise<void> {
    process.child.kill('SIGKILL');
    await process.exited;
    this.forget(process);
  }

  async stopGracefully(process: BridgeProcess): Promise<number | null> {
    process.child.kill('SIGTERM');
    const code = await process.exited;
    this.forget(process);
    return code;
  }

  /** Every line any bridge process has printed, dead or alive. */
  output(): string {
    return [...this.finished, ...this.workers, ...this.apis].map((p) => p.output()).join('\n');
  }

  api(path: string, init: RequestInit = {}, which = 0): Promise<Response> {
    const api = this.apis[which];
    return fetch(`${api.url}${path}`, {
      ...init,
      headers: { authorization: `Token ${API_TOKEN}`, ...(init.headers ?? {}) },
    });
  }

  async stop(): Promise<void> {
    for (const process of [...this.workers, ...this.apis]) {
      if (process.child.exitCode === null && process.child.signalCode === null) {
        process.child.kill('SIGKILL');
        await process.exited;
      }
    }
    await this.connection.close().catch(() => {});
    await this.sql.end({ timeout: 1 }).catch(() => {});
  }

  private forget(process: BridgeProcess): void {
    for (const list of [this.workers, this.apis] as BridgeProcess[][]) {
      const index = list.indexOf(process);
      if (index >= 0) list.splice(index, 1);
    }
    this.finished.push(process);
  }
}

/** Polls `probe` until it gives a value (see waitFor), with a plain message on timeout. */
export function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  return waitFor(probe, { timeoutMs, what });
}
