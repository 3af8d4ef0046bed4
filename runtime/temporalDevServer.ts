import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { ServiceUnavailableError } from '../lib/errors.js';
import { bridgeSearchAttributes, cliTypeName } from '../workflows/visibility.js';
import { requirePortFree } from './ports.js';

export interface LocalTemporal {
  address: string;
  uiUrl: string;
  stop(): Promise<void>;
}

/**
 * Runs `temporal server start-dev` with its SQLite file under the data directory, so workflows and
 * schedules survive a restart, and waits until the frontend answers.
 */
export async function startTemporalDevServer(options: {
  cli: string;
  dataDir: string;
  port: number;
  uiPort: number;
  namespace: string;
  headless?: boolean;
  startTimeoutMs?: number;
  log?: (line: string) => void;
}): Promise<LocalTemporal> {
  await requirePortFree(options.port, 'The local Temporal server', 'TEMPORAL_DEV_PORT');
  if (!options.headless) await requirePortFree(options.uiPort, 'The Temporal Web UI', 'TEMPORAL_UI_PORT');
  mkdirSync(options.dataDir, { recursive: true });
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(options.port),
    '--db-filename',
    path.join(options.dataDir, 'temporal.db'),
    '--namespace',
    options.namespace,
    '--log-level',
    'warn',
    // The attributes the Web UI filters the bridge's runs on; a cluster gets them from an operator.
    ...bridgeSearchAttributes.flatMap((key) => [
      '--search-attribute',
      `${key.name}=${cliTypeName[key.type]}`,
    ]),
  ];
  if (options.headless) args.push('--headless');
  else args.push('--ui-port', String(options.uiPort));

  // Its own process group, as the embedded PostgreSQL: Ctrl+C in the terminal reaches the bridge
  // only, which stops the server after the workers have drained (not before, mid-task).
  const child = spawn(options.cli, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const output: string[] = [];
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (!line.trim()) continue;
      output.push(line);
      if (output.length > 20) output.shift();
      options.log?.(line);
    }
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let exited: string | null = null;
  child.once('exit', (code, signal) => {
    exited = `exited with ${signal ?? `code ${code}`}`;
  });
  child.once('error', (error) => {
    exited = error.message;
  });

  const address = `127.0.0.1:${options.port}`;
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  while (true) {
    if (exited) {
      throw new ServiceUnavailableError(
        `The local Temporal server (${options.cli}) ${exited} before it was ready:\n${output.join('\n')}`,
      );
    }
    if (await answers(address)) break;
    if (Date.now() > deadline) {
      await stopChild(child);
      throw new ServiceUnavailableError(
        `The local Temporal server at ${address} did not become ready in time.`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return {
    address,
    uiUrl: options.headless ? '' : `http://127.0.0.1:${options.uiPort}`,
    stop: () => stopChild(child),
  };
}

async function answers(address: string): Promise<boolean> {
  try {
    const connection = await Connection.connect({ address, connectTimeout: 1000 });
    try {
      await connection.healthService.check({});
      return true;
    } finally {
      await connection.close();
    }
  } catch {
    return false;
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
