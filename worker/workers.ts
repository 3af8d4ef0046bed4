import { fileURLToPath } from 'node:url';
import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import {
  type ActivityDeps,
  createCrmQueueActivities,
  createDeviceQueueActivities,
  createMainQueueActivities,
  FailureTypeInterceptor,
} from '../activities/index.js';
import type { Config } from '../lib/config.js';

export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

/** Where a worker's workflow code comes from: the sources (bundled at start) or a pre-built bundle. */
export type WorkflowSource = { workflowsPath: string } | { workflowBundle: { codePath: string } };

export interface RunningWorkers {
  /** Resolves when every worker has stopped; rejects if one fails. */
  done: Promise<void>;
  /** Stops polling for new tasks, lets running ones finish, then resolves. */
  shutdown(): Promise<void>;
}

export interface QueueWorker {
  taskQueue: string;
  /** Only the main queue runs workflows. */
  runsWorkflows: boolean;
  activities: Record<string, (...args: never[]) => Promise<unknown>>;
  options: Pick<
    WorkerOptions,
    | 'maxConcurrentActivityTaskExecutions'
    | 'maxConcurrentLocalActivityExecutions'
    | 'maxHeartbeatThrottleInterval'
    | 'maxCachedWorkflows'
  >;
}

/**
 * What each task queue's worker runs: workflows and bookkeeping on the main queue, device I/O on the
 * device queue with low concurrency (one TCP session per device), CRM calls on their own queue.
 */
export function queueWorkers(config: Config, deps: ActivityDeps): QueueWorker[] {
  return [
    {
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      runsWorkflows: true,
      activities: createMainQueueActivities(deps),
      options: {
        // The CRM POSTs run here as local activities (CRM_DELIVERY_ON=workflow-worker).
        maxConcurrentLocalActivityExecutions: config.CRM_SYNC_CONCURRENCY,
        // The SDK sizes its cache from the heap limit, which gives 10 at NODE_HEAP_LIMIT_MB's default;
        // a poll of every device keeps one child workflow per device open at once, and each one
        // pushed out of the cache is replayed from its history at its next task.
        maxCachedWorkflows: 250,
      },
    },
    {
      taskQueue: config.DEVICE_TASK_QUEUE,
      runsWorkflows: false,
      activities: createDeviceQueueActivities(deps),
      options: {
        maxConcurrentActivityTaskExecutions: config.DEVICE_ACTIVITY_CONCURRENCY,
        // Download progress reaches `bridge poll` and the Web UI within a second, not once a minute.
        maxHeartbeatThrottleInterval: '1 second',
      },
    },
    {
      taskQueue: config.CRM_TASK_QUEUE,
      runsWorkflows: false,
      activities: createCrmQueueActivities(deps),
      options: { maxConcurrentActivityTaskExecutions: config.CRM_SYNC_CONCURRENCY },
    },
  ];
}

/** The three workers on the caller's connection, which stays the caller's to close. */
export async function startWorkers(options: {
  connection: NativeConnection;
  config: Config;
  deps: ActivityDeps;
  workflows?: WorkflowSource;
}): Promise<RunningWorkers> {
  const { connection, config } = options;
  const workflows = options.workflows ?? { workflowsPath };
  const workers = await Promise.all(
    queueWorkers(config, options.deps).map((queue) =>
      Worker.create({
        connection,
        namespace: config.TEMPORAL_NAMESPACE,
        taskQueue: queue.taskQueue,
        ...(queue.runsWorkflows ? workflows : {}),
        activities: queue.activities,
        interceptors: { activity: [() => ({ inbound: new FailureTypeInterceptor() })] },
        ...queue.options,
      }),
    ),
  );
  const done = Promise.all(workers.map((w) => w.run())).then(() => undefined);
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
