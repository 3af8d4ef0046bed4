import {
  ActivityFailure,
  ApplicationFailure,
  CancelledFailure,
  TemporalFailure,
  workflowInfo,
} from '@temporalio/workflow';
import { type DeliveryRunSettings, deliveryDefaults, type SyncProgress } from '../lib/delivery/input.js';
import { forEachBounded } from '../lib/delivery/pool.js';
import { addDeliveryFailure, addDeliveryResult } from '../lib/delivery/summary.js';
import type { DeliveryPageItem, DeliverySelection, SyncResult } from '../lib/delivery/types.js';
import { FailureType } from '../lib/errors.js';
import { crmLocalActivities, crmQueueActivities, mainQueueActivities } from './queues.js';

const bookkeeping = mainQueueActivities({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 5, initialInterval: '1 second' },
});

/**
 * Deliveries started at once. The worker's slots (CRM_SYNC_CONCURRENCY) bound the POSTs in flight,
 * and a record waiting out its back-off holds none of them; this only keeps a huge page under
 * Temporal's limit of pending activities per workflow (2,000).
 */
const scheduledAtOnce = 1_000;

export interface DeliveryPagesRun {
  settings: DeliveryRunSettings;
  selection: DeliverySelection;
  progress: SyncProgress;
  /** Records still to pick up in this sync (all runs of it together); none means no limit. */
  limit?: number;
  /** A retry round: a record that ends failed has used one of its rounds. */
  countsRetryRound?: boolean;
}

export type DeliveryPagesOutcome =
  | { finished: true; result: SyncResult }
  | { finished: false; progress: SyncProgress };

/**
 * Up to `pagesPerRun` pages: each page listed, then all its records handed to the worker at once.
 * Stops early, to continue as new, when the history grows large.
 */
export async function deliverPages(run: DeliveryPagesRun): Promise<DeliveryPagesOutcome> {
  const { settings, selection } = run;
  const deliver = deliveryOf(settings, selection, run.countsRetryRound ?? false);
  const historyFull = () =>
    workflowInfo().continueAsNewSuggested ||
    workflowInfo().historyLength > (settings.maxHistoryEvents ?? deliveryDefaults.maxHistoryEvents);
  let { afterId, result } = run.progress;
  for (let page = 0; page < (settings.pagesPerRun ?? deliveryDefaults.pagesPerRun); page += 1) {
    const left = run.limit === undefined ? settings.pageSize : run.limit - result.total;
    if (left <= 0) return { finished: true, result };
    const pageSize = Math.min(settings.pageSize, left);
    if (page > 0 && historyFull()) break;
    const items = await bookkeeping.listDeliveryPage({ selection, afterId, pageSize });
    if (items.length === 0) return { finished: true, result };
    const started = await forEachBounded(
      items,
      scheduledAtOnce,
      async (item) => {
        const add = await deliver(item);
        result = add(result);
      },
      historyFull,
    );
    afterId = items[started - 1]?.id ?? afterId;
    if (started < items.length) break;
    // A short page was the last one.
    if (items.length < pageSize) return { finished: true, result };
  }
  return { finished: false, progress: { afterId, result } };
}

/** One record through the CRM (a local activity, or the CRM queue); gives what to add to the run's result once it is done. */
function deliveryOf(settings: DeliveryRunSettings, selection: DeliverySelection, countsRetryRound: boolean) {
  const maxRetryDelayMs = settings.retryMaximumIntervalMs ?? deliveryDefaults.retryMaximumIntervalMs;
  const options = {
    startToCloseTimeout: settings.deliveryTimeoutMs ?? deliveryDefaults.deliveryTimeoutMs,
    retry: {
      maximumAttempts: settings.maxAttempts,
      initialInterval: settings.retryInitialIntervalMs ?? deliveryDefaults.retryInitialIntervalMs,
      backoffCoefficient: settings.retryBackoffCoefficient ?? deliveryDefaults.retryBackoffCoefficient,
      maximumInterval: maxRetryDelayMs,
    },
  };
  const onCrmQueue = crmQueueActivities(settings.crmTaskQueue, options);
  const local = crmLocalActivities(options);
  const viaCrmQueue = (settings.deliverOn ?? deliveryDefaults.deliverOn) === 'crm-queue';
  return async (item: DeliveryPageItem): Promise<(result: SyncResult) => SyncResult> => {
    try {
      const { id, revision, userId, date } = item;
      const input = { id, revision, userId, date, statuses: selection.statuses, maxRetryDelayMs };
      const delivery = viaCrmQueue
        ? await onCrmQueue.deliverAttendanceDay(input)
        : await local.deliverAttendanceDay(input);
      return (result) => addDeliveryResult(result, delivery);
    } catch (error) {
      // An activity's failure comes wrapped in an ActivityFailure, a local activity's as it is.
      if (!(error instanceof TemporalFailure) || error instanceof CancelledFailure) throw error;
      const cause = error instanceof ActivityFailure ? error.cause : error;
      const message = cause instanceof Error && cause.message ? cause.message : error.message;
      // A rejection was stored with its attempt; anything else after the last attempt is failed.
      const rejected = cause instanceof ApplicationFailure && cause.type === FailureType.CrmRejected;
      if (!rejected)
        await bookkeeping.markDeliveryFailed({ item, error: message, countRound: countsRetryRound });
      return (result) => addDeliveryFailure(result, item, message);
    }
  };
}
