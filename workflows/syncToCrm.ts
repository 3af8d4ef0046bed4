import { ApplicationFailure, continueAsNew, workflowInfo } from '@temporalio/workflow';
import {
  inputProblems,
  type RetryFailedSyncsInput,
  retryRoundSelection,
  type SyncProgress,
  type SyncToCrmInput,
  syncSelection,
} from '../lib/delivery/input.js';
import { emptySyncResult, noCrmConfigured } from '../lib/delivery/summary.js';
import type { SyncResult } from '../lib/delivery/types.js';
import { FailureType } from '../lib/errors.js';
import { deliverPages } from './deliveryPages.js';
import { bookkeepingOptions, mainQueueActivities } from './queues.js';

const bookkeeping = mainQueueActivities(bookkeepingOptions);

/**
 * Sync to CRM: page through the records that need delivery and POST each one, retrying transient
 * failures; after the last attempt a record is marked failed, and a record the CRM refused is
 * rejected at once. Continues as new every few pages, so its history stays small for any backlog.
 */
export async function syncToCrm(input: SyncToCrmInput): Promise<SyncResult> {
  const progress = await startingPoint(input);
  if (progress.result.skipped) return progress.result;
  const run = await deliverPages({
    settings: input,
    selection: syncSelection(input),
    progress,
    limit: input.limit,
  });
  if (run.finished) return run.result;
  return continueAsNew<typeof syncToCrm>({ ...input, progress: run.progress });
}

/**
 * Retry failed syncs: send the failed records (transient class) again, each for at most `rounds`
 * rounds; after that they stay failed until a person acts. Rejected records are never retried here.
 */
export async function retryFailedSyncs(input: RetryFailedSyncsInput): Promise<SyncResult> {
  const progress = await startingPoint(input);
  if (progress.result.skipped) return progress.result;
  const selection = retryRoundSelection(input);
  const run = await deliverPages({ settings: input, selection, progress, countsRetryRound: true });
  if (run.finished) return run.result;
  return continueAsNew<typeof retryFailedSyncs>({ ...input, progress: run.progress });
}

/** Where a run begins: its checked input, then the previous run's progress or a fresh start. */
async function startingPoint(input: SyncToCrmInput | RetryFailedSyncsInput): Promise<SyncProgress> {
  const problems = inputProblems(input);
  if (problems.length > 0) {
    throw ApplicationFailure.create({
      type: FailureType.Configuration,
      message: `invalid ${workflowInfo().workflowType} input: ${problems.join('; ')}`,
      nonRetryable: true,
    });
  }
  if (input.progress) return input.progress;
  if (!(await bookkeeping.crmConfigured())) {
    return { afterId: 0, result: { ...emptySyncResult(), skipped: noCrmConfigured } };
  }
  return { afterId: 0, result: emptySyncResult() };
}
