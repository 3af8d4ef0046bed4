import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort } from '../../runtime/ports.js';
import { commandEnv, createTestNamespace } from '../cli/support.js';
import { type BridgeProcess, spawnBridge, waitFor } from '../support/bridgeProcess.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { testConfig } from '../support/temporal.js';
import { QUIET_SCHEDULES } from './support/bridge.js';

// Schemathesis generates requests from our own /api/schema/ and reports any 5xx or answer that breaks
// the schema. Full variant only; install it with `.tools/bin/pip install schemathesis` (the Temporal
// CLI's venv) or `pip install --user schemathesis`.
const projectDir = fileURLToPath(new URL('../..', import.meta.url));
const candidates = [`${projectDir}.tools/bin/st`, `${process.env.HOME}/.local/bin/st`];
const st = candidates.find((path) => existsSync(path));
if (!st) {
  console.warn(`schemathesis skipped: no "st" in ${candidates.join(' or ')} (pip install schemathesis)`);
}
const TOKEN = 'schemathesis-token-5b0c';

let db: TestDatabase;
const processes: BridgeProcess[] = [];

afterAll(async () => {
  for (const running of processes) {
    running.child.kill('SIGKILL');
    await running.exited;
  }
  await db?.drop();
});

(st ? test : test.skip)(
  'schemathesis finds no server error and no answer outside the schema',
  async () => {
    db = await createTestDatabase();
    const config = testConfig({ TEMPORAL_NAMESPACE: await createTestNamespace() });
    const port = await freePort();
    const env = Object.fromEntries(
      Object.entries({
        ...commandEnv(config, db.url),
        ...QUIET_SCHEDULES,
        API_TOKEN: TOKEN,
        PORT: String(port),
        ADMS_PORT: '0',
        WORKER_METRICS_PORT: '0',
        // The devices schemathesis adds point anywhere: their polls fail fast.
        DEVICE_CONNECT_TIMEOUT_MS: '500',
        DEVICE_REQUEST_TIMEOUT_MS: '1000',
      }).filter((entry): entry is [string, string] => entry[1] !== undefined),
    );
    // A worker beside the API, as in production: without one every trigger waits out its `?wait=`.
    // Its log says when it polls its queues.
    const worker = spawnBridge(['worker'], { ...env, LOG_LEVEL: 'info' });
    processes.push(worker);
    await waitFor(async () => (worker.output().includes('workers running') ? true : undefined), {
      timeoutMs: 120_000,
      what: 'the worker',
      stopIf: () => (worker.child.exitCode !== null ? worker.output() : null),
    });
    const running = spawnBridge(['api'], env);
    processes.push(running);
    const base = `http://127.0.0.1:${port}`;
    await waitFor(async () => ((await fetch(`${base}/health`)).status > 0 ? true : undefined), {
      timeoutMs: 60_000,
      what: 'the API',
      stopIf: () => (running.child.exitCode !== null ? running.output() : null),
    });
    // The live read of a device answers 503 "Failed to connect to device" when the terminal cannot be
    // reached, as the original does (REQUIREMENTS.md); the devices schemathesis adds point nowhere.
    // Any other 5xx there, and every 5xx elsewhere, still fails the run.
    const workDir = mkdtempSync(join(tmpdir(), 'schemathesis-'));
    const configFile = join(workDir, 'schemathesis.toml');
    writeFileSync(
      configFile,
      [
        '[[operations]]',
        'include-path = "/api/devices/{id}/info/"',
        'checks.not_a_server_error.expected-statuses = ["2xx", "3xx", "4xx", "503"]',
        '',
      ].join('\n'),
    );
    const run = await promisify(execFile)(
      String(st),
      [
        '--config-file',
        configFile,
        'run',
        `${base}/api/schema/`,
        '--url',
        base,
        '-H',
        `Authorization: Token ${TOKEN}`,
        '--checks',
        'not_a_server_error,response_schema_conformance',
        '--max-examples',
        '25',
        '--request-timeout',
        '60',
      ],
      // Its cache of failures goes to a directory of its own, not into the project.
      { timeout: 1_500_000, maxBuffer: 64 * 1024 * 1024, cwd: workDir },
    ).then(
      (done) => ({ code: 0, stdout: done.stdout }),
      (error: { code?: number; stdout?: string }) => ({ code: error.code ?? 1, stdout: error.stdout }),
    );
    // Its summary, for docs/RELIABILITY.md.
    process.stderr.write(`schemathesis (exit ${run.code}):\n${String(run.stdout).slice(-6000)}\n`);
    expect({ code: run.code, tail: String(run.stdout).slice(-3000) }).toEqual({
      code: 0,
      tail: expect.any(String),
    });
  },
  1_800_000,
);
