import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import type { Config } from '../../lib/config.js';
import { emptyCounts } from '../../lib/processing/counts.js';
import { processAttendance } from '../../workflows/index.js';
import { commandEnv, createTestNamespace } from '../cli/support.js';
import { type BridgeProcess, spawnBridge, waitFor } from '../support/bridgeProcess.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { testConfig, testTemporalAddress } from '../support/temporal.js';

const projectDir = fileURLToPath(new URL('../..', import.meta.url));

/** `npm run bundle`, as the Dockerfile runs it, writing to `bundlePath`. */
function runBundleScript(bundlePath: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '-s', 'bundle'], {
      cwd: projectDir,
      env: { ...process.env, NODE_OPTIONS: '', WORKFLOW_BUNDLE: bundlePath },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => resolve({ code, output }));
  });
}

function definedOnly(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

// The production layout: the image's pre-built workflow bundle, and `bridge worker` in a process of
// its own against a shared PostgreSQL and Temporal.
describe('bridge worker (production)', () => {
  let db: TestDatabase;
  let config: Config;
  let dir: string;
  let worker: BridgeProcess | undefined;

  beforeAll(async () => {
    db = await createTestDatabase();
    config = testConfig({ TEMPORAL_NAMESPACE: await createTestNamespace() });
    dir = mkdtempSync(path.join(os.tmpdir(), 'bridge-production-'));
  });

  afterAll(async () => {
    if (worker && worker.child.exitCode === null) {
      worker.child.kill('SIGKILL');
      await worker.exited;
    }
    rmSync(dir, { recursive: true, force: true });
    await db?.drop();
  });

  test('loads the bundle `npm run bundle` built, says so, runs workflows and stops cleanly', async () => {
    const bundlePath = path.join(dir, 'dist', 'workflow-bundle.js');
    const bundled = await runBundleScript(bundlePath);
    expect(bundled).toEqual({
      code: 0,
      output: expect.stringContaining(`Workflow bundle written to ${bundlePath}`),
    });

    worker = spawnBridge(
      ['worker'],
      definedOnly({ ...commandEnv(config, db.url), LOG_LEVEL: 'info', WORKFLOW_BUNDLE: bundlePath }),
    );
    const running = worker;
    await waitFor(async () => (running.output().includes('workers running') ? true : undefined), {
      timeoutMs: 60_000,
      what: 'the workers to start',
      stopIf: () => (running.child.exitCode !== null ? `the worker exited:\n${running.output()}` : null),
    });
    expect(running.output()).toContain(`"workflows":"pre-built bundle ${bundlePath}"`);

    const connection = await Connection.connect({ address: testTemporalAddress() });
    try {
      const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
      const counts = await client.workflow.execute(processAttendance, {
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        workflowId: `process-attendance/production-test-${path.basename(dir)}`,
        args: [{}],
      });
      expect(counts).toEqual(emptyCounts());
    } finally {
      await connection.close();
    }

    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
  }, 240_000);
});
