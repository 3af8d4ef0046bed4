import { continueAsNew } from '@temporalio/workflow';
import { addCounts, emptyCounts, type ProcessingCounts } from '../lib/processing/counts.js';
import { DEFAULT_PUNCH_BATCH_SIZE } from '../lib/processing/defaults.js';
import { mainQueueActivities } from './queues.js';

const retry = { maximumAttempts: 5, initialInterval: '5 seconds', backoffCoefficient: 2 };

// One batch is one transaction of a few thousand punches: seconds, not minutes.
const { processPunchBatch } = mainQueueActivities({ startToCloseTimeout: '10 minutes', retry });

// A range can span years; the activity heartbeats after every day and resumes there when retried.
const { processDateRange } = mainQueueActivities({
  startToCloseTimeout: '12 hours',
  heartbeatTimeout: '2 minutes',
  retry,
});

// Keeps one run's history small (a few events per batch); the next run carries the counts on.
const BATCHES_PER_RUN = 500;

export interface ProcessAttendanceInput {
  /** With a start date, end date or user: rebuild those days from raw punches (on demand). */
  startDate?: string;
  endDate?: string;
  userId?: string;
  /** Punches per batch in the incremental run. */
  batchSize?: number;
  /** Counts of the runs before this one, carried over by continue-as-new. */
  carriedCounts?: ProcessingCounts;
  /** Batches before continuing as new; only tests change it. */
  batchesPerRun?: number;
}

/**
 * Process attendance: turn new punches into daily records. Without a range, take unprocessed
 * punches batch by batch until none are left; with one, rebuild those days from raw. Returns counts.
 */
export async function processAttendance(input: ProcessAttendanceInput = {}): Promise<ProcessingCounts> {
  const { startDate, endDate, userId } = input;
  if (startDate || endDate || userId) return processDateRange({ startDate, endDate, userId });

  const batchSize = input.batchSize ?? DEFAULT_PUNCH_BATCH_SIZE;
  const batchesPerRun = input.batchesPerRun ?? BATCHES_PER_RUN;
  let totals = input.carriedCounts ?? emptyCounts();
  for (let batch = 0; batch < batchesPerRun; batch++) {
    const { morePending, ...counts } = await processPunchBatch({ batchSize });
    totals = addCounts(totals, counts);
    if (!morePending) return totals;
  }
  return continueAsNew<typeof processAttendance>({ batchSize, batchesPerRun, carriedCounts: totals });
}
