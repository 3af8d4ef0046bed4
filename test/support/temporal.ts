import { Client, Connection } from '@temporalio/client';
import type { ActivityDeps } from '../../activities/index.js';
import { type Config, parseConfig } from '../../lib/config.js';
import type { Sql } from '../../lib/db/connection.js';
import { ZkClient } from '../../lib/zk/client/index.js';
import { connectWorkers } from '../../runtime/temporalConnection.js';
import { type RunningWorkers, startWorkers, type WorkflowSource } from '../../worker/workers.js';
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
