import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import type { Config } from '../../lib/config.js';
import { emptyCounts } from '../../lib/processing/counts.js';
import { freePort } from '../../runtime/ports.js';
import { processAttendance } from '../../workflows/index.js';
import { commandEnv, createTestNamespace } from '../cli/support.js';
import { bridgeFamilies, onQueue, processFamilies } from '../metrics/families.js';
import { parseExposition } from '../metrics/parse.js';
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

  test('loads the bundle `npm run bundle` built, runs workflows, serves its metrics and stops cleanly', async () => {
    const bundlePath = path.join(dir, 'dist', 'workflow-bundle.js');
    const bundled = await runBundleScript(bundlePath);
    expect(bundled).toEqual({
      code: 0,
      output: expect.stringContaining(`Workflow bundle written to ${bundlePath}`),
    });

    const metricsPort = await freePort();
    worker = spawnBridge(
      ['worker'],
      definedOnly({
        ...commandEnv(config, db.url),
        LOG_LEVEL: 'info',
        WORKFLOW_BUNDLE: bundlePath,
        WORKER_METRICS_PORT: String(metricsPort),
      }),
    );
    const running = worker;
    await waitFor(async () => (running.output().includes('workers running') ? true : undefined), {
      timeoutMs: 60_000,
      what: 'the workers to start',
      stopIf: () => (running.child.exitCode !== null ? `the worker exited:\n${running.output()}` : null),
    });
    expect(running.output()).toContain(`"workflows":"pre-built bundle ${bundlePath}"`);
    const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    expect(running.output()).toContain(`"metrics":"${metricsUrl}"`);

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

    // The worker's own scrape: the Temporal worker's figures and the process's; the bridge's
    // figures from the database are the API's alone, so a fleet of workers does not repeat them.
    const families = await waitFor(
      async () => {
        const parsed = parseExposition(await (await fetch(metricsUrl)).text());
        const completed = onQueue(parsed, 'temporal_workflow_completed_total', config.TEMPORAL_TASK_QUEUE);
        return completed.some((s) => s.labels.workflow_type === 'processAttendance') ? parsed : undefined;
      },
      { timeoutMs: 30_000, what: 'the completed workflow in the worker metrics' },
    );
    for (const name of processFamilies) {
      expect({ name, present: families.has(name) }).toEqual({ name, present: true });
    }
    for (const queue of [config.TEMPORAL_TASK_QUEUE, config.DEVICE_TASK_QUEUE, config.CRM_TASK_QUEUE]) {
      const slots = onQueue(families, 'temporal_worker_task_slots_available', queue);
      expect({ queue, slots: slots.length > 0 }).toEqual({ queue, slots: true });
    }
    expect(bridgeFamilies.filter((name) => families.has(name))).toEqual([]);
    expect((await fetch(`http://127.0.0.1:${metricsPort}/other`)).status).toBe(404);

    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
  }, 240_000);

  test('a metrics port in use stops the start with one sentence naming the setting', async () => {
    const net = await import('node:net');
    const blocker = net.createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      const run = spawnBridge(
        ['worker'],
        definedOnly({ ...commandEnv(config, db.url), WORKER_METRICS_PORT: String(port) }),
      );
      expect(await run.exited).toBe(2);
      expect(run.output()).toMatch(
        new RegExp(
          `The worker metrics endpoint cannot listen on 127\\.0\\.0\\.1:${port}: the port is in use`,
        ),
      );
      expect(run.output()).toContain('WORKER_METRICS_PORT (0 turns it off)');
      expect(run.output()).not.toMatch(/\n\s+at /);
    } finally {
      blocker.close();
    }
  }, 60_000);
});
