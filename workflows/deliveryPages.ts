import {
  ActivityFailure,
  ApplicationFailure,
  CancelledFailure,
  condition,
  patched,
  TemporalFailure,
  workflowInfo,
} from '@temporalio/workflow';
import { type DeliveryRunSettings, deliveryDefaults, type SyncProgress } from '../lib/delivery/input.js';
import { forEachBounded } from '../lib/delivery/pool.js';
import { addDeliveryFailure, addDeliveryResult } from '../lib/delivery/summary.js';
import type { DeliveryPageItem, DeliverySelection, SyncResult } from '../lib/delivery/types.js';
import { FailureType } from '../lib/errors.js';
import { failureMessage } from './failures.js';
import {
  bookkeepingOptions,
  crmLocalActivities,
  crmQueueActivities,
  mainLocalActivities,
  mainQueueActivities,
} from './queues.js';

const bookkeeping = mainQueueActivities(bookkeepingOptions);
// Beside local POSTs, listing the next page and marking a record failed run locally too: a normal
// activity would wait until every POST under way has finished.
const localBookkeeping = mainLocalActivities(bookkeepingOptions);

/** The page bookkeeping of a run: local beside local POSTs, on the main queue otherwise. */
type PageBookkeeping = Pick<typeof bookkeeping, 'listDeliveryPage' | 'markDeliveryFailed'>;
function pageBookkeeping(local: boolean): PageBookkeeping {
  return local
    ? {
        listDeliveryPage: localBookkeeping.listDeliveryPage,
        markDeliveryFailed: localBookkeeping.markDeliveryFailed,
      }
    : { listDeliveryPage: bookkeeping.listDeliveryPage, markDeliveryFailed: bookkeeping.markDeliveryFailed };
}

/**
 * Deliveries under way at once. The worker's slots (CRM_SYNC_CONCURRENCY) bound the POSTs in flight,
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
 * Up to `pagesPerRun` pages: each page listed, then its records handed to the worker. The next page
 * is listed as soon as fewer than a page of records are still under way, so a record waiting out its
 * back-off holds up no page but its own slot. Stops early, to continue as new, when the history grows
 * large; every record it started has finished when it returns.
 */
export async function deliverPages(run: DeliveryPagesRun): Promise<DeliveryPagesOutcome> {
  if (!patched('delivery-window-across-pages')) return deliverPageByPage(run);
  const { settings, selection } = run;
  const books = pageBookkeeping(!onCrmQueue(settings));
  const deliver = deliveryOf(settings, selection, run.countsRetryRound ?? false, books);
  let { afterId, result } = run.progress;
  // Records picked up by this sync so far, finished or still under way (`result` counts finished ones).
  let taken = result.total;
  // Local activities reach the history only when the workflow task completes, which may be long after
  // they started: each record counts as at least one event from its start (counting some twice).
  const startedHere = taken;
  const historyFull = historyGuard(settings, () => taken - startedHere);
  let underWay = 0;
  let failure: { error: unknown } | undefined;
  let finished = false;
  // Every promise workflow code makes costs a stack trace (the SDK keeps one per promise for its
  // stack trace query): about 40% of the workflow thread's busy time in a profile of a 3,000-record
  // sync. So one handler per outcome, and a page's records started in one go below the limit.
  const pageAtOnce = patched('delivery-page-started-at-once');
  const start = (item: DeliveryPageItem) => {
    underWay += 1;
    void deliver(item).then(
      (add) => {
        underWay -= 1;
        result = add(result);
      },
      (error) => {
        underWay -= 1;
        failure ??= { error };
      },
    );
  };
  pages: for (let page = 0; page < (settings.pagesPerRun ?? deliveryDefaults.pagesPerRun); page += 1) {
    const left = run.limit === undefined ? settings.pageSize : run.limit - taken;
    if (left <= 0) {
      finished = true;
      break;
    }
    if (page > 0 && historyFull()) break;
    await condition(() => underWay < settings.pageSize || failure !== undefined);
    if (failure) break;
    const pageSize = Math.min(settings.pageSize, left);
    const items = await books.listDeliveryPage({ selection, afterId, pageSize });
    for (const item of items) {
      if (!pageAtOnce || underWay >= scheduledAtOnce) {
        await condition(() => underWay < scheduledAtOnce || failure !== undefined);
      }
      if (failure || historyFull()) break pages;
      start(item);
      afterId = item.id;
      taken += 1;
    }
    // A short page was the last one.
    if (items.length < pageSize) {
      finished = true;
      break;
    }
  }
  await condition(() => underWay === 0);
  if (failure) throw failure.error;
  return finished ? { finished: true, result } : { finished: false, progress: { afterId, result } };
}

/** The page-at-a-time delivery that runs started before the window across pages replay with. */
async function deliverPageByPage(run: DeliveryPagesRun): Promise<DeliveryPagesOutcome> {
  const { settings, selection } = run;
  const deliver = deliveryOf(settings, selection, run.countsRetryRound ?? false, pageBookkeeping(false));
  const historyFull = historyGuard(settings);
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
    if (items.length < pageSize) return { finished: true, result };
  }
  return { finished: false, progress: { afterId, result } };
}

/** Whether to stop and continue as new; `unrecorded` counts events not in the history length yet. */
function historyGuard(settings: DeliveryRunSettings, unrecorded: () => number = () => 0): () => boolean {
  return () =>
    workflowInfo().continueAsNewSuggested ||
    workflowInfo().historyLength + unrecorded() >
      (settings.maxHistoryEvents ?? deliveryDefaults.maxHistoryEvents);
}

/** One record through the CRM (a local activity, or the CRM queue); gives what to add to the run's result once it is done. */
function deliveryOf(
  settings: DeliveryRunSettings,
  selection: DeliverySelection,
  countsRetryRound: boolean,
  books: PageBookkeeping,
) {
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
  const crmQueue = crmQueueActivities(settings.crmTaskQueue, options);
  const local = crmLocalActivities(options);
  const viaCrmQueue = onCrmQueue(settings);
  return async (item: DeliveryPageItem): Promise<(result: SyncResult) => SyncResult> => {
    try {
      const { id, revision, userId, date } = item;
      const input = { id, revision, userId, date, statuses: selection.statuses, maxRetryDelayMs };
      const delivery = viaCrmQueue
        ? await crmQueue.deliverAttendanceDay(input)
        : await local.deliverAttendanceDay(input);
      return (result) => addDeliveryResult(result, delivery);
    } catch (error) {
      // An activity's failure comes wrapped in an ActivityFailure, a local activity's as it is.
      if (!(error instanceof TemporalFailure) || error instanceof CancelledFailure) throw error;
      const cause = error instanceof ActivityFailure ? error.cause : error;
      const message = failureMessage(error);
      // A rejection was stored with its attempt; anything else after the last attempt is failed.
      const rejected = cause instanceof ApplicationFailure && cause.type === FailureType.CrmRejected;
      if (!rejected) await books.markDeliveryFailed({ item, error: message, countRound: countsRetryRound });
      return (result) => addDeliveryFailure(result, item, message);
    }
  };
}

function onCrmQueue(settings: DeliveryRunSettings): boolean {
  return (settings.deliverOn ?? deliveryDefaults.deliverOn) === 'crm-queue';
}
