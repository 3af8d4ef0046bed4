import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../runtime/ports.js';

const mainScript = fileURLToPath(new URL('../../cli/main.ts', import.meta.url));

export interface BridgeProcess {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
  env: Record<string, string>;
}

/** Settings for a bridge started the way `npm start` does: a temporary data dir and free ports. */
export async function localBridgeEnv(
  overrides: Record<string, string> = {},
): Promise<Record<string, string>> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'bridge-e2e-'));
  chmodSync(dataDir, 0o755);
  return {
    DATA_DIR: dataDir,
    PORT: String(await freePort()),
    EMBEDDED_POSTGRES_PORT: String(await freePort()),
    TEMPORAL_DEV_PORT: String(await freePort()),
    TEMPORAL_UI_PORT: String(await freePort()),
    ADMS_PORT: String(await freePort()),
    WORKER_METRICS_PORT: String(await freePort()),
    LOG_LEVEL: 'info',
    ...(process.env.TEST_TEMPORAL_CLI ? { TEMPORAL_CLI: process.env.TEST_TEMPORAL_CLI } : {}),
    ...overrides,
  };
}

/**
 * `bridge start` on ports of its own (see localBridgeEnv), up to its banner or its exit. Suites
 * running alongside open ports all the time, so a port found free can be taken before the bridge
 * listens on it; the bridge then stops with its one-sentence "the port is in use" error, and this
 * starts it again on other ports, up to three times.
 */
export async function startLocalBridge(overrides: Record<string, string> = {}): Promise<BridgeProcess> {
  for (let attempt = 1; ; attempt++) {
    const env = await localBridgeEnv(overrides);
    const bridge = spawnBridge(['start'], env);
    await waitFor(
      async () =>
        bridge.child.exitCode !== null || bridge.output().includes('Press Ctrl+C') ? true : undefined,
      { timeoutMs: 120_000, what: 'the bridge to start or stop' },
    );
    if (bridge.child.exitCode === null || attempt === 3 || !bridge.output().includes('the port is in use')) {
      return bridge;
    }
    rmSync(env.DATA_DIR, { recursive: true, force: true });
  }
}

/** Runs `bridge <args>` as its own process, like `npm start` / `npm run bridge -- ...`. */
export function spawnBridge(args: string[], env: Record<string, string>): BridgeProcess {
  const inherited = { ...process.env };
  for (const name of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'NODE_OPTIONS', 'API_TOKEN'])
    delete inherited[name];
  const child = spawn(process.execPath, ['--import', 'tsx', mainScript, ...args], {
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited, env };
}

export async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  options: { timeoutMs: number; what: string; stopIf?: () => string | null },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  while (Date.now() < deadline) {
    const stop = options.stopIf?.();
    if (stop) throw new Error(`${options.what}: ${stop}`);
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`timed out waiting for ${options.what}`);
}
