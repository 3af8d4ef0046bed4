import {
  type ActivityOptions,
  type LocalActivityOptions,
  proxyActivities,
  proxyLocalActivities,
} from '@temporalio/workflow';
import type { CrmQueueActivities, DeviceQueueActivities, MainQueueActivities } from '../activities/index.js';
import { nonRetryableFailureTypes } from '../lib/errors.js';

/**
 * The only way workflows reach activities: one proxy per task queue, typed by the activities that
 * queue's worker registers, so a call to an activity the queue does not run fails the build.
 */

export type QueueActivityOptions = Omit<ActivityOptions, 'taskQueue'>;

// Every retry policy stops at once on a failure whose error class says trying again cannot help.
function withFailureTypes<Options extends QueueActivityOptions | LocalActivityOptions>(
  options: Options,
): Options {
  const given = options.retry?.nonRetryableErrorTypes ?? [];
  return {
    ...options,
    retry: { ...options.retry, nonRetryableErrorTypes: [...nonRetryableFailureTypes, ...given] },
  };
}

/**
 * The workflows' bookkeeping (list, mark, record): short PostgreSQL reads and writes, retried a few
 * times, whether they go through the main queue or run as local activities.
 */
export const bookkeepingOptions = {
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 5, initialInterval: '1 second' },
} satisfies QueueActivityOptions & LocalActivityOptions;

/** Bookkeeping on the workflow's own queue (the main queue). */
export function mainQueueActivities(options: QueueActivityOptions) {
  return proxyActivities<MainQueueActivities>(withFailureTypes(options));
}

/** Device sessions, on the device's queue: the default one, or a worker's on the device's network. */
export function deviceQueueActivities(taskQueue: string, options: QueueActivityOptions) {
  return proxyActivities<DeviceQueueActivities>({ ...withFailureTypes(options), taskQueue });
}

/** CRM POSTs, on the CRM queue. */
export function crmQueueActivities(taskQueue: string, options: QueueActivityOptions) {
  return proxyActivities<CrmQueueActivities>({ ...withFailureTypes(options), taskQueue });
}

/**
 * CRM POSTs as local activities of the workflow worker: no task queue round trip per record, the
 * retry policy as declarative as on the CRM queue, and the worker's local-activity slots
 * (CRM_SYNC_CONCURRENCY) bounding the POSTs in flight.
 */
export function crmLocalActivities(options: LocalActivityOptions) {
  return proxyLocalActivities<CrmQueueActivities>(withFailureTypes(options));
}

/**
 * The main queue's bookkeeping as local activities of the workflow worker, for a workflow that keeps
 * local activities under way: a normal activity would wait for the workflow task they hold open.
 */
export function mainLocalActivities(options: LocalActivityOptions) {
  return proxyLocalActivities<MainQueueActivities>(withFailureTypes(options));
}
