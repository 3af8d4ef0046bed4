import type { Client } from '@temporalio/client';
import type { Config } from '../../lib/config.js';

// Protocol enum values (temporal.api.enums.v1): TaskQueueKind NORMAL, TaskQueueType WORKFLOW/ACTIVITY.
const NORMAL_QUEUE = 1;
const WORKFLOW_TASKS = 1;
const ACTIVITY_TASKS = 2;
/**
 * A worker's long poll is renewed about every minute; the server keeps listing a poller for minutes
 * after it went away, so only a poll seen this recently counts as a live worker.
 */
export const LIVE_POLLER_MS = 2 * 60_000;

export interface QueueWatch {
  name: string;
  tasks: 'workflow' | 'activity';
}

/** The task queues that must have a live worker: workflows on the main one, activities on all three. */
export function watchedQueues(config: Config): QueueWatch[] {
  return [
    { name: config.TEMPORAL_TASK_QUEUE, tasks: 'workflow' },
    { name: config.TEMPORAL_TASK_QUEUE, tasks: 'activity' },
    { name: config.DEVICE_TASK_QUEUE, tasks: 'activity' },
    { name: config.CRM_TASK_QUEUE, tasks: 'activity' },
  ];
}

/**
 * Resolves when every watched queue has a worker that polled it within LIVE_POLLER_MS; rejects with
 * the queues that have none, in one sentence.
 */
export async function requireLivePollers(client: Client, config: Config, now = Date.now()): Promise<void> {
  const missing: string[] = [];
  await Promise.all(
    watchedQueues(config).map(async (queue) => {
      const described = await client.workflowService.describeTaskQueue({
        namespace: config.TEMPORAL_NAMESPACE,
        taskQueue: { name: queue.name, kind: NORMAL_QUEUE },
        taskQueueType: queue.tasks === 'workflow' ? WORKFLOW_TASKS : ACTIVITY_TASKS,
      });
      const live = (described.pollers ?? []).some((poller) => {
        const seconds = Number(poller.lastAccessTime?.seconds ?? 0);
        return now - seconds * 1000 <= LIVE_POLLER_MS;
      });
      if (!live) missing.push(`${queue.name} (${queue.tasks} tasks)`);
    }),
  );
  if (missing.length > 0) {
    throw new Error(
      `no worker has polled ${missing.sort().join(', ')} in the last ${LIVE_POLLER_MS / 60_000} minutes`,
    );
  }
}
