import { ActivityFailure, ApplicationFailure, continueAsNew, workflowInfo } from '@temporalio/workflow';
import {
  type DeliveryRunSettings,
  deliveryDefaults,
  inputProblems,
  type RetryFailedSyncsInput,
  retryRoundSelection,
  type SyncProgress,
  type SyncToCrmInput,
  syncSelection,
} from '../lib/delivery/input.js';
import { forEachBounded } from '../lib/delivery/pool.js';
import {
  addDeliveryFailure,
  addDeliveryResult,
  emptySyncResult,
  noCrmConfigured,
} from '../lib/delivery/summary.js';
import type { DeliveryPageItem, DeliverySelection, SyncResult } from '../lib/delivery/types.js';
import { FailureType } from '../lib/errors.js';
import { crmQueueActivities, mainQueueActivities } from './queues.js';

const bookkeeping = mainQueueActivities({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 5, initialInterval: '1 second' },
});

/**
 * Sync to CRM: page through the records that need delivery and POST each one, retrying transient
 * failures; after the last attempt a record is marked failed, and a record the CRM refused is
 * rejected at once. Continues as new every few pages, so its history stays small for any backlog.
 */
export async function syncToCrm(input: SyncToCrmInput): Promise<SyncResult> {
  const started = await start(input);
  if (started.skipped) return started.result;
  const remaining = input.limit === undefined ? Number.POSITIVE_INFINITY : input.limit - started.result.total;
  const run = await deliverPages(input, syncSelection(input), started, remaining, false);
  if ('result' in run) return run.result;
  return continueAsNew<typeof syncToCrm>({ ...input, progress: run.progress });
}

/**
 * Retry failed syncs: send the failed records (transient class) again, each for at most `rounds`
 * rounds; after that they stay failed until a person acts. Rejected records are never retried here.
 */
export async function retryFailedSyncs(input: RetryFailedSyncsInput): Promise<SyncResult> {
  const started = await start(input);
  if (started.skipped) return started.result;
  const run = await deliverPages(input, retryRoundSelection(input), started, Number.POSITIVE_INFINITY, true);
  if ('result' in run) return run.result;
  return continueAsNew<typeof retryFailedSyncs>({ ...input, progress: run.progress });
}

async function start(
  input: SyncToCrmInput | RetryFailedSyncsInput,
): Promise<SyncProgress & { skipped: boolean }> {
  const problems = inputProblems(input);
  if (problems.length > 0) {
    throw ApplicationFailure.create({
      type: FailureType.Configuration,
      message: `invalid ${workflowInfo().workflowType} input: ${problems.join('; ')}`,
      nonRetryable: true,
    });
  }
  if (input.progress) return { ...input.progress, skipped: false };
  if (!(await bookkeeping.crmConfigured())) {
    return { afterId: 0, result: { ...emptySyncResult(), skipped: noCrmConfigured }, skipped: true };
  }
  return { afterId: 0, result: emptySyncResult(), skipped: false };
}

async function deliverPages(
  settings: DeliveryRunSettings,
  selection: DeliverySelection,
  progress: SyncProgress,
  remaining: number,
  isRetryRound: boolean,
): Promise<{ result: SyncResult } | { progress: SyncProgress }> {
  const maximumIntervalMs = settings.retryMaximumIntervalMs ?? deliveryDefaults.retryMaximumIntervalMs;
  const crm = crmQueueActivities(settings.crmTaskQueue, {
    startToCloseTimeout: settings.deliveryTimeoutMs ?? deliveryDefaults.deliveryTimeoutMs,
    retry: {
      maximumAttempts: settings.maxAttempts,
      initialInterval: settings.retryInitialIntervalMs ?? deliveryDefaults.retryInitialIntervalMs,
      backoffCoefficient: settings.retryBackoffCoefficient ?? deliveryDefaults.retryBackoffCoefficient,
      maximumInterval: maximumIntervalMs,
    },
  });
  const historyFull = () =>
    workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > deliveryDefaults.maxHistoryEvents;

  let { afterId, result } = progress;
  let left = remaining;
  for (let page = 0; page < (settings.pagesPerRun ?? deliveryDefaults.pagesPerRun); page += 1) {
    if (left <= 0) return { result };
    const pageSize = Math.min(settings.pageSize, left);
    const items = await bookkeeping.listDeliveryPage({ selection, afterId, pageSize });
    if (items.length === 0) return { result };

    const deliver = async (item: DeliveryPageItem): Promise<void> => {
      try {
        const delivery = await crm.deliverAttendanceDay({
          id: item.id,
          revision: item.revision,
          statuses: selection.statuses,
          maxRetryDelayMs: maximumIntervalMs,
        });
        result = addDeliveryResult(result, delivery);
      } catch (error) {
        if (!(error instanceof ActivityFailure)) throw error;
        const message = failureMessage(error);
        // A rejection was stored with its attempt; anything else after the last attempt is failed.
        if (!isRejection(error)) {
          await bookkeeping.markDeliveryFailed({ item, error: message, countRound: isRetryRound });
        }
        result = addDeliveryFailure(result, item, message);
      }
    };
    const started = await forEachBounded(items, settings.concurrency, deliver, historyFull);
    afterId = items[started - 1]?.id ?? afterId;
    left -= started;
    if (started < items.length) break;
    // A short page was the last one.
    if (items.length < pageSize) return { result };
  }
  return { progress: { afterId, result } };
}

function isRejection(error: ActivityFailure): boolean {
  return error.cause instanceof ApplicationFailure && error.cause.type === FailureType.CrmRejected;
}

function failureMessage(error: ActivityFailure): string {
  const cause = error.cause;
  return cause instanceof Error && cause.message ? cause.message : error.message;
}
