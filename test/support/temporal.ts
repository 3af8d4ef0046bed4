import { randomBytes } from 'node:crypto';
import {
  Client,
  Connection,
  type WorkflowHandle,
  type WorkflowHandleWithFirstExecutionRunId,
} from '@temporalio/client';
import type { Workflow } from '@temporalio/common';
import type { ActivityDeps } from '../../activities/index.js';
import { type Config, parseConfig } from '../../lib/config.js';
import type { Sql } from '../../lib/db/connection.js';
import { ZkClient } from '../../lib/zk/client/index.js';
import { connectWorkers } from '../../runtime/temporalConnection.js';
import { type RunningWorkers, startWorkers, type WorkflowSource } from '../../worker/workers.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { silentLogger } from './logging.js';

export function testTemporalAddress(): string {
  const address = process.env.TEST_TEMPORAL_ADDRESS;
  if (!address)
    throw new Error(
      'TEST_TEMPORAL_ADDRESS is unset: run the tests through jest (test/support/globalSetup.js).',
    );
  return address;
}

export async function connectTestClient(
  namespace = 'default',
): Promise<{ client: Client; close(): Promise<void> }> {
  const connection = await Connection.connect({ address: testTemporalAddress() });
  return { client: new Client({ connection, namespace }), close: () => connection.close() };
}

/** Settings for a test: defaults, unique task queues so test files never take each other's tasks. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  const suffix = Math.random().toString(36).slice(2, 8);
  return parseConfig({
    TEMPORAL_TASK_QUEUE: `test-main-${suffix}`,
    DEVICE_TASK_QUEUE: `test-devices-${suffix}`,
    CRM_TASK_QUEUE: `test-crm-${suffix}`,
    LOG_LEVEL: 'silent',
    ...overrides,
  });
}

/** `connectDevice` for tests whose activities must reach no device: asking for a session fails with `message`. */
export function noDevices(message: string): ActivityDeps['connectDevice'] {
  return async () => {
    throw new Error(message);
  };
}

/** What the activities get in a test unless it says otherwise: real devices, no CRM, the real clock, no logs. */
export function testActivityDeps(
  sql: Sql,
  config: Config,
  overrides: Partial<ActivityDeps> = {},
): ActivityDeps {
  return {
    sql,
    config,
    logger: silentLogger,
    connectDevice: (options) => ZkClient.connect(options),
    crm: null,
    now: () => new Date(),
    ...overrides,
  };
}

/** The bridge's three workers on the shared test server; `shutdown()` also closes their connection. */
export async function startTestWorkers(options: {
  config: Config;
  deps: ActivityDeps;
  workflows?: WorkflowSource;
}): Promise<RunningWorkers> {
  const connection = await connectWorkers(testTemporalAddress(), options.config);
  try {
    const workers = await startWorkers({ connection, ...options });
    // Closed once, when the workers have stopped for whatever reason.
    const done = workers.done.finally(() => connection.close());
    return {
      done,
      async shutdown() {
        await workers.shutdown().catch(() => undefined);
        await done;
      },
    };
  } catch (error) {
    await connection.close();
    throw error;
  }
}

/** What a test of workflows on the real server runs against. */
export interface WorkflowTestBed {
  /** A fresh database of its own. */
  db: TestDatabase;
  /** A client of the shared server. */
  client: Client;
  /** Starts `workflow` on the main queue under an id of its own. */
  start<W extends Workflow>(
    workflow: W,
    ...args: Parameters<W>
  ): Promise<WorkflowHandleWithFirstExecutionRunId<W>>;
  /** Stops the workers, then closes the client and drops the database. */
  close(): Promise<void>;
}

/** A fresh database, the bridge's workers on `config`'s queues with testActivityDeps(`deps`), a client. */
export async function startWorkflowTestBed(
  deps: Partial<ActivityDeps> = {},
  config: Config = testConfig(),
): Promise<WorkflowTestBed> {
  const db = await createTestDatabase();
  let workers: RunningWorkers;
  try {
    workers = await startTestWorkers({ config, deps: testActivityDeps(db.sql, config, deps) });
  } catch (error) {
    await db.drop();
    throw error;
  }
  const temporal = await connectTestClient().catch(async (error: unknown) => {
    await workers.shutdown();
    await db.drop();
    throw error;
  });
  return {
    db,
    client: temporal.client,
    start<W extends Workflow>(workflow: W, ...args: Parameters<W>) {
      return temporal.client.workflow.start<Workflow>(workflow, {
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        workflowId: `${workflow.name}-test-${randomBytes(4).toString('hex')}`,
        args,
      }) as Promise<WorkflowHandleWithFirstExecutionRunId<W>>;
    },
    async close() {
      await workers.shutdown();
      await temporal.close();
      await db.drop();
    },
  };
}

/** The attempt numbers of the activity tasks a run started, in order: [1] when nothing was retried. */
export async function activityAttempts(handle: WorkflowHandle): Promise<number[]> {
  const history = await handle.fetchHistory();
  return (history.events ?? []).flatMap((e) =>
    e.activityTaskStartedEventAttributes ? [e.activityTaskStartedEventAttributes.attempt ?? 0] : [],
  );
}
