import { fileURLToPath } from 'node:url';
import { DefaultLogger, NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import type { ActivityDeps } from '../activities/index.js';
import { createActivities } from '../activities/index.js';
import type { Config } from '../lib/config.js';
import { temporalConnectionOptions } from '../runtime/temporalConnection.js';

export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

export interface RunningWorkers {
  /** Resolves when every worker has stopped; rejects if one fails. */
  done: Promise<void>;
  /** Stops polling for new tasks, lets running ones finish, then resolves. */
  shutdown(): Promise<void>;
}

let runtimeInstalled = false;

/**
 * Three workers on one connection: workflows and bookkeeping on the main queue, device I/O on the
 * device queue with low concurrency (one TCP session per device), CRM calls on their own queue.
 */
export async function startWorkers(options: {
  address: string;
  config: Config;
  deps: ActivityDeps;
  workflowBundle?: WorkerOptions['workflowBundle'];
}): Promise<RunningWorkers> {
  const { config } = options;
  if (!runtimeInstalled) {
    // Keep the SDK's own logs quiet unless something is wrong; our logs say what the bridge does.
    Runtime.install({
      logger: new DefaultLogger('ERROR'),
      telemetryOptions: { logging: { filter: { core: 'WARN', other: 'WARN' } } },
    });
    runtimeInstalled = true;
  }
  const connection = await NativeConnection.connect(await temporalConnectionOptions(options.address, config));
  const activities = createActivities(options.deps);
  const common = { connection, namespace: config.TEMPORAL_NAMESPACE };
  const workflowSource = options.workflowBundle
    ? { workflowBundle: options.workflowBundle }
    : { workflowsPath };
  const workers = await Promise.all([
    Worker.create({ ...common, ...workflowSource, taskQueue: config.TEMPORAL_TASK_QUEUE, activities }),
    Worker.create({
      ...common,
      taskQueue: config.DEVICE_TASK_QUEUE,
      activities,
      maxConcurrentActivityTaskExecutions: config.DEVICE_ACTIVITY_CONCURRENCY,
      // Download progress reaches `bridge poll` and the Web UI within a second, not once a minute.
      maxHeartbeatThrottleInterval: '1 second',
    }),
    Worker.create({
      ...common,
      taskQueue: config.CRM_TASK_QUEUE,
      activities,
      maxConcurrentActivityTaskExecutions: config.CRM_SYNC_CONCURRENCY,
    }),
  ]);
  const done = Promise.all(workers.map((w) => w.run())).then(async () => {
    await connection.close();
  });
  return {
    done,
    async shutdown() {
      for (const worker of workers) {
        if (worker.getState() === 'RUNNING') worker.shutdown();
      }
      await done;
    },
  };
}
