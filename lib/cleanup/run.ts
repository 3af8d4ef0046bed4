import type { Sql } from '../db/connection.js';
import { ConfigurationError } from '../errors.js';
import { DEFAULT_CLEANUP_BATCH_SIZE } from './defaults.js';
import { deliveryAttemptLog, pollRunLog, pruneLog } from './logs.js';
import { deleteDeliveredPunches } from './punches.js';
import { type CleanupCounts, type DailyCleanupInput, emptyCleanupCounts } from './types.js';

const MS_PER_DAY = 86_400_000;

export interface CleanupOptions extends DailyCleanupInput {
  /** The moment retention is measured from. */
  now: Date;
  /** Rows examined per transaction; default DEFAULT_CLEANUP_BATCH_SIZE. */
  batchSize?: number;
  /** Called after every batch with the counts so far (an activity heartbeats with them). */
  onProgress?: (counts: CleanupCounts) => void;
}

function checkWhole(value: number, name: string, what: string): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new ConfigurationError(
      `cleanup ${name} must be a whole number of ${what} of at least 1, got ${value}`,
    );
  }
}

/**
 * The daily cleanup: delete raw punches past retention whose day the CRM holds, prune the poll and
 * delivery logs, and report the counts. Running it again at once deletes nothing more.
 *
 * Duplicates: the original system removed rows repeated in its punch table. Here a punch's identity
 * (device, user, device wall clock) is a unique constraint, so a repeated punch is never stored
 * twice and there is nothing to remove; `duplicatesRemoved` stays in the report for the operators
 * who read it, and is always 0. Rows that look alike but differ in that identity are different
 * punches the device recorded, which the bridge promises to keep: the same instant under two wall
 * clocks (a wall clock in a DST gap resolved onto the hour after it, docs/TIME.md) or a double tap a
 * second apart (the attendance rules debounce it, the raw log keeps it).
 */
export async function runCleanup(sql: Sql, options: CleanupOptions): Promise<CleanupCounts> {
  checkWhole(options.retentionDays, 'retention', 'days');
  checkWhole(options.logRetentionDays, 'log retention', 'days');
  const batchSize = options.batchSize ?? DEFAULT_CLEANUP_BATCH_SIZE;
  checkWhole(batchSize, 'batch size', 'rows');
  if (Number.isNaN(options.now.getTime())) throw new ConfigurationError('cleanup was given an invalid time');

  const counts = emptyCleanupCounts();
  const report = () => options.onProgress?.({ ...counts });
  const daysBefore = (days: number) => new Date(options.now.getTime() - days * MS_PER_DAY);

  counts.punchesDeleted = await deleteDeliveredPunches(sql, {
    cutoff: daysBefore(options.retentionDays),
    batchSize,
    onBatch: (deleted) => {
      counts.punchesDeleted = deleted;
      report();
    },
  });
  const logCutoff = daysBefore(options.logRetentionDays);
  counts.pollRunsDeleted = await pruneLog(sql, pollRunLog, {
    cutoff: logCutoff,
    batchSize,
    onBatch: (deleted) => {
      counts.pollRunsDeleted = deleted;
      report();
    },
  });
  counts.attemptsDeleted = await pruneLog(sql, deliveryAttemptLog, {
    cutoff: logCutoff,
    batchSize,
    onBatch: (deleted) => {
      counts.attemptsDeleted = deleted;
      report();
    },
  });
  return { ...counts };
}
