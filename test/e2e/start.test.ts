import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { isPortFree } from '../../runtime/ports.js';
import { bridgeFamilies, processFamilies } from '../metrics/families.js';
import { parseExposition } from '../metrics/parse.js';
import {
  type BridgeProcess,
  localBridgeEnv,
  spawnBridge,
  startLocalBridge,
  waitFor,
} from '../support/bridgeProcess.js';

// Starts the bridge exactly as `npm start` does (embedded PostgreSQL, a local Temporal server, the
// workers, the schedules and the API in one process), then stops it with SIGTERM.
describe('npm start', () => {
  let bridge: BridgeProcess;
  let env: Record<string, string>;

  beforeAll(async () => {
    bridge = await startLocalBridge();
    env = bridge.env;
  }, 400_000);

  afterAll(async () => {
    if (bridge.child.exitCode === null) {
      bridge.child.kill('SIGKILL');
      await bridge.exited;
    }
    rmSync(env.DATA_DIR, { recursive: true, force: true });
  });

  test('comes up healthy, schedules the poll, guards the API, refuses a second start, and stops cleanly', async () => {
    const base = `http://127.0.0.1:${env.PORT}`;
    const health = await waitFor(
      async () => {
        const response = await fetch(`${base}/health`);
        return response.status === 200 ? ((await response.json()) as Record<string, unknown>) : undefined;
      },
      {
        timeoutMs: 120_000,
        what: '/health to answer ok',
        stopIf: () => (bridge.child.exitCode !== null ? `the bridge exited:\n${bridge.output()}` : null),
      },
    );
    expect(health).toMatchObject({
      status: 'ok',
      checks: { database: { ok: true }, temporal: { ok: true } },
    });

    // The banner names the API, the Web UI and a one-time token.
    await waitFor(async () => (bridge.output().includes('Press Ctrl+C') ? true : undefined), {
      timeoutMs: 10_000,
      what: 'the start-up banner',
    });
    expect(bridge.output()).toContain(`API:             ${base}/api/`);
    expect(bridge.output()).toContain(
      `PostgreSQL:      embedded on 127.0.0.1:${env.EMBEDDED_POSTGRES_PORT}, data in ${env.DATA_DIR}/pg`,
    );
    expect(bridge.output()).toContain(`Temporal Web UI: http://127.0.0.1:${env.TEMPORAL_UI_PORT}`);
    const token = /API token:\s+(\S+)/.exec(bridge.output())?.[1];
    expect(token).toMatch(/^[\w-]{20,}$/);

    const unauthenticated = await fetch(`${base}/api/schema/`);
    expect(unauthenticated.status).toBe(401);
    expect(await unauthenticated.json()).toEqual({ detail: 'Authentication credentials were not provided.' });
    const schema = await fetch(`${base}/api/schema/`, { headers: { Authorization: `Token ${token}` } });
    expect(schema.status).toBe(200);
    expect(await schema.json()).toMatchObject({ openapi: '3.1.0', paths: { '/health': {} } });

    // One scrape of the API's /metrics shows the bridge's figures, the process's and, as the workers
    // run in this process, the Temporal worker's, once a workflow has run.
    const processed = await fetch(`${base}/api/processed-attendance/process/`, {
      method: 'POST',
      headers: { Authorization: `Token ${token}` },
    });
    expect(processed.status).toBe(200);
    const metrics = await waitFor(
      async () => {
        const parsed = parseExposition(await (await fetch(`${base}/metrics`)).text());
        const completed = parsed.get('temporal_workflow_completed_total')?.samples ?? [];
        return completed.some((s) => s.labels.workflow_type === 'processAttendance') ? parsed : undefined;
      },
      { timeoutMs: 30_000, what: 'the completed workflow in /metrics' },
    );
    for (const name of [
      ...bridgeFamilies,
      ...processFamilies,
      'temporal_worker_task_slots_available',
      'temporal_workflow_task_schedule_to_start_latency_seconds',
    ]) {
      expect({ name, present: metrics.has(name) }).toEqual({ name, present: true });
    }

    // The poll schedule exists in the bridge's own Temporal server.
    const connection = await Connection.connect({ address: `127.0.0.1:${env.TEMPORAL_DEV_PORT}` });
    try {
      const description = await new Client({ connection }).schedule
        .getHandle('bridge-poll-devices')
        .describe();
      expect(description.action).toMatchObject({ type: 'startWorkflow', workflowType: 'pollAllDevices' });
      expect(description.state.paused).toBe(false);
    } finally {
      await connection.close();
    }

    // A second bridge on the same data directory is refused before it touches anything.
    const second = spawnBridge(['start'], { ...env, PORT: '1' });
    expect(await second.exited).not.toBe(0);
    expect(second.output()).toMatch(/in use by another bridge|port is in use/);

    bridge.child.kill('SIGTERM');
    expect(await bridge.exited).toBe(0);
    expect(bridge.output()).toContain('SIGTERM received, shutting down');
    for (const port of [env.PORT, env.EMBEDDED_POSTGRES_PORT, env.TEMPORAL_DEV_PORT]) {
      expect(await isPortFree(Number(port))).toBe(true);
    }
  }, 240_000);
});

describe('start-up failures are one clear message and a non-zero exit', () => {
  test.each([
    [{ TIME_ZONE: 'Mars/Olympus' }, /TIME_ZONE: must be an IANA time zone/, 2],
    [
      { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' },
      /Cannot reach PostgreSQL at postgres:\/\/nobody@127\.0\.0\.1:1\/none/,
      1,
    ],
  ])(
    '%j',
    async (overrides, message, code) => {
      const env = await localBridgeEnv(overrides);
      try {
        const run = spawnBridge(['start'], env);
        expect(await run.exited).toBe(code);
        expect(run.output()).toMatch(message);
        expect(run.output()).not.toMatch(/\n\s+at /); // no stack dump
      } finally {
        rmSync(env.DATA_DIR, { recursive: true, force: true });
      }
    },
    60_000,
  );

  test('an unreachable Temporal server', async () => {
    const env = await localBridgeEnv({ TEMPORAL_ADDRESS: '127.0.0.1:1' });
    try {
      const run = spawnBridge(['start'], env);
      expect(await run.exited).toBe(1);
      expect(run.output()).toMatch(/Cannot reach Temporal at 127\.0\.0\.1:1/);
    } finally {
      rmSync(env.DATA_DIR, { recursive: true, force: true });
    }
  }, 120_000);

  test('an API port in use', async () => {
    const env = await localBridgeEnv();
    const net = await import('node:net');
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(Number(env.PORT), '127.0.0.1', resolve));
    try {
      const run = spawnBridge(['start'], env);
      expect(await run.exited).toBe(2);
      expect(run.output()).toMatch(
        new RegExp(`The API cannot listen on 127\\.0\\.0\\.1:${env.PORT}: the port is in use`),
      );
    } finally {
      blocker.close();
      rmSync(env.DATA_DIR, { recursive: true, force: true });
    }
  }, 60_000);
});

// A clone under /root: as root, PostgreSQL runs as the OS user postgres, which cannot enter DATA_DIR.
(process.getuid?.() === 0 ? describe : describe.skip)(
  'npm start as root from a directory only root may enter',
  () => {
    test('keeps its PostgreSQL data in the shared directory and says where', async () => {
      const shared = mkdtempSync(path.join(os.tmpdir(), 'bridge-shared-'));
      chmodSync(shared, 0o755);
      const env = await localBridgeEnv({ EMBEDDED_POSTGRES_SHARED_DIR: shared });
      chmodSync(env.DATA_DIR, 0o700);
      const bridge = spawnBridge(['start'], env);
      try {
        await waitFor(async () => (bridge.output().includes('Press Ctrl+C') ? true : undefined), {
          timeoutMs: 120_000,
          what: 'the start-up banner',
          stopIf: () => (bridge.child.exitCode !== null ? `the bridge exited:\n${bridge.output()}` : null),
        });
        const where = new RegExp(
          `PostgreSQL: +embedded on 127\\.0\\.0\\.1:${env.EMBEDDED_POSTGRES_PORT}, data in (${shared}/[^/\\s]+/pg)\n`,
        ).exec(bridge.output());
        expect(where).not.toBeNull();
        expect(bridge.output()).toContain(
          `(${env.DATA_DIR}/pg links to its data, because that user cannot enter ${env.DATA_DIR})`,
        );
        // Healthy once the workers have polled their task queues, a moment after the banner.
        const health = await waitFor(
          async () => {
            const response = await fetch(`http://127.0.0.1:${env.PORT}/health`);
            return response.status === 200 ? response.status : undefined;
          },
          { timeoutMs: 60_000, what: '/health to answer 200' },
        );
        expect(health).toBe(200);
        bridge.child.kill('SIGTERM');
        expect(await bridge.exited).toBe(0);
      } finally {
        if (bridge.child.exitCode === null) {
          bridge.child.kill('SIGKILL');
          await bridge.exited;
        }
        rmSync(env.DATA_DIR, { recursive: true, force: true });
        rmSync(shared, { recursive: true, force: true });
      }
    }, 240_000);
  },
);
