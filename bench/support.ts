import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../lib/config.js';
import { connect, type Sql } from '../lib/db/connection.js';
import { migrate } from '../lib/db/migrate.js';
import { startEmbeddedPostgres } from '../runtime/embeddedPostgres.js';
import { freePort } from '../runtime/ports.js';
import { projectDir } from '../runtime/services.js';
import { findOrInstallTemporalCli } from '../runtime/temporalCli.js';
import { startTemporalDevServer } from '../runtime/temporalDevServer.js';

/** Real services for one benchmark: DATABASE_URL / TEMPORAL_ADDRESS when set, else local ones. */
export async function benchServices(options: { temporal: boolean }): Promise<{
  databaseUrl: string;
  temporalAddress: string | null;
  stop(): Promise<void>;
}> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bridge-bench-'));
  chmodSync(dir, 0o755);
  const stops: (() => Promise<void>)[] = [];
  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    const pg = await startEmbeddedPostgres({
      dataDir: dir,
      port: await freePort(),
      database: 'bridge_bench',
      sharedDir: parseConfig(process.env).EMBEDDED_POSTGRES_SHARED_DIR,
    });
    stops.push(pg.stop);
    databaseUrl = pg.url;
  }
  let temporalAddress: string | null = process.env.TEMPORAL_ADDRESS ?? null;
  if (options.temporal && !temporalAddress) {
    const cli = await findOrInstallTemporalCli({ configured: process.env.TEMPORAL_CLI ?? null, projectDir });
    const temporal = await startTemporalDevServer({
      cli,
      dataDir: dir,
      port: await freePort(),
      uiPort: 0,
      namespace: 'default',
      headless: true,
    });
    stops.push(temporal.stop);
    temporalAddress = temporal.address;
  }
  return {
    databaseUrl,
    temporalAddress,
    async stop() {
      for (const stop of stops.reverse()) await stop().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Peak resident memory of this process so far, in MiB (Linux reports the high-water mark). */
export function peakRssMiB(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

/** Peak resident memory of another process (Linux: VmHWM), in MiB. */
export function peakRssOfMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return Math.round(kib / 1024);
}

/** The p-th percentile (nearest rank) of `values`; NaN when there are none. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** How busy the shared machine was: load average over the last minute. */
export function load(): string {
  return os.loadavg()[0].toFixed(1);
}

export function report(figures: Record<string, string | number>): void {
  for (const [name, value] of Object.entries(figures)) console.log(`  ${name.padEnd(44)} ${value}`);
}

/** A migrated database of its own on the benchmark's server, dropped afterwards. */
export async function freshDatabase(
  serverUrl: string,
  label: string,
  options: { max?: number } = {},
): Promise<{ url: string; sql: Sql; drop(): Promise<void> }> {
  const name = `bridge_bench_${label}_${randomBytes(4).toString('hex')}`;
  const admin = connect(serverUrl, { max: 1 });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const sql = connect(url.toString(), options);
  await migrate(sql);
  return {
    url: url.toString(),
    sql,
    async drop() {
      await sql.end({ timeout: 5 });
      const cleanup = connect(serverUrl, { max: 1 });
      await cleanup.unsafe(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}

/**
 * `attendance-bridge simulate` in a process of its own (so its memory is not the benchmark's), on
 * consecutive ports from a random base; resolves once every device listens.
 */
export async function startSimulators(options: {
  devices: number;
  users: number;
  punches: number;
  seed: number;
  timezone: string;
  /** More `simulate` options, e.g. `--dump FILE`. */
  args?: string[];
  nodeFlags?: string[];
}): Promise<{ basePort: number; stop(): Promise<void> }> {
  // Below Linux's ephemeral range (32768+), so no outgoing socket of the services holds one of them.
  const basePort = 10_000 + Math.floor(Math.random() * (32_000 - 10_000 - options.devices));
  const main = fileURLToPath(new URL('../cli/main.ts', import.meta.url));
  const child = spawn(
    process.execPath,
    [
      ...(options.nodeFlags ?? []),
      '--import',
      'tsx',
      main,
      'simulate',
      ...['--devices', String(options.devices), '--base-port', String(basePort)],
      ...['--users', String(options.users), '--punches', String(options.punches)],
      ...['--seed', String(options.seed), '--timezone', options.timezone, '--write-mode', 'coalesced'],
      ...(options.args ?? []),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk) => {
      output += chunk.toString();
      if (output.includes('Press Ctrl+C')) resolve();
      if (output.length > 10_000) output = output.slice(-1000);
    });
    child.once('exit', (code) => reject(new Error(`the simulators exited (${code})`)));
  });
  return {
    basePort,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      await exited;
    },
  };
}

/**
 * The settings of an `attendance-bridge worker` under measurement: task queues of its own (so
 * nothing left on the server from another run reaches it), the local CRM, no metrics port, quiet logs.
 */
export function benchWorkerEnv(options: {
  databaseUrl: string;
  temporalAddress: string;
  crmUrl: string;
  suffix: string;
}): Record<string, string> {
  return {
    DATABASE_URL: options.databaseUrl,
    TEMPORAL_ADDRESS: options.temporalAddress,
    TEMPORAL_TASK_QUEUE: `bench-main-${options.suffix}`,
    DEVICE_TASK_QUEUE: `bench-devices-${options.suffix}`,
    CRM_TASK_QUEUE: `bench-crm-${options.suffix}`,
    CRM_API_URL: options.crmUrl,
    CRM_API_TOKEN: 'bench-token-0123456789',
    WORKER_METRICS_PORT: '0',
    LOG_LEVEL: 'warn',
  };
}
