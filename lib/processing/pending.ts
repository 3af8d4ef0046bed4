import { assignAttendanceDay, dayChangeMinutes, type RulesConfig } from '../attendance/index.js';
import type { Sql } from '../db/connection.js';
import {
  loadPunchesInWindows,
  lockUsersForProcessing,
  markPunchesProcessed,
  takeUnprocessedPunches,
} from '../db/punchProcessing.js';
import { ConfigurationError, describeError, InvalidRecordError } from '../errors.js';
import type { Logger } from '../logger.js';
import { addCounts, emptyCounts, type ProcessingCounts } from './counts.js';
import { rebuildDays } from './rebuild.js';
import { attendanceDayWindow, type DayPair, pairKey } from './windows.js';

export interface PendingOptions {
  /** Punches per transaction. */
  batchSize: number;
  /** Stop after this many batches even if more punches wait (a bounded activity call); default no limit. */
  maxBatches?: number;
  logger: Logger;
}

export interface PendingResult extends ProcessingCounts {
  /** The last batch was full: more unprocessed punches may be waiting. */
  morePending: boolean;
}

/**
 * Processes punches not processed yet, batch by batch, each batch in one transaction: take the
 * batch, find the (user, attendance day) pairs it touches, rebuild exactly those days from every
 * stored punch that can belong to them, write what changed, mark the batch processed. A punch that
 * arrives days late re-opens its day this way. Running it again with nothing new writes nothing.
 */
export async function processPendingPunches(
  sql: Sql,
  rules: RulesConfig,
  options: PendingOptions,
): Promise<PendingResult> {
  if (!Number.isInteger(options.batchSize) || options.batchSize < 1) {
    throw new ConfigurationError(
      `processing batch size must be a whole number of at least 1, got ${options.batchSize}`,
    );
  }
  const maxBatches = options.maxBatches ?? Number.POSITIVE_INFINITY;
  let totals = emptyCounts();
  for (let batch = 0; batch < maxBatches; batch++) {
    const counts = await processOneBatch(sql, rules, options.batchSize, options.logger);
    totals = addCounts(totals, counts);
    if (counts.punchesProcessed < options.batchSize) return { ...totals, morePending: false };
  }
  return { ...totals, morePending: true };
}

async function processOneBatch(
  sql: Sql,
  rules: RulesConfig,
  batchSize: number,
  logger: Logger,
): Promise<ProcessingCounts> {
  const dayChange = dayChangeMinutes(rules);
  return sql.begin(async (tx) => {
    const batch = await takeUnprocessedPunches(tx, batchSize);
    if (batch.length === 0) return emptyCounts();

    const pairs = new Map<string, DayPair>();
    let undatable = 0;
    for (const punch of batch) {
      try {
        const date = assignAttendanceDay(punch, rules);
        pairs.set(pairKey(punch.userId, date), { userId: punch.userId, date });
      } catch (error) {
        if (!(error instanceof InvalidRecordError)) throw error;
        undatable++;
        logger.warn(
          { punchId: punch.id, userId: punch.userId, deviceId: punch.deviceId },
          `punch ${punch.id} (user ${punch.userId}, device ${punch.deviceId}) was not used: ${describeError(error)}`,
        );
      }
    }

    const dayPairs = [...pairs.values()];
    await lockUsersForProcessing(tx, [...new Set(dayPairs.map((p) => p.userId))]);
    const punches = await loadPunchesInWindows(
      tx,
      dayPairs.map((p) => ({ userId: p.userId, ...attendanceDayWindow(p.date, dayChange) })),
    );
    const rebuilt = await rebuildDays(
      tx,
      rules,
      { pairs: dayPairs, punches, ownPunchIds: new Set(batch.map((p) => p.id)) },
      logger,
    );
    await markPunchesProcessed(
      tx,
      batch.map((p) => p.id),
    );
    return { punchesProcessed: batch.length, ...rebuilt, failed: rebuilt.failed + undatable };
  });
}
