import { Context } from '@temporalio/activity';
import { rulesConfigFromConfig } from '../lib/attendance/fromConfig.js';
import {
  type PendingResult,
  type ProcessingCounts,
  processDateRange,
  processPendingPunches,
  type RangeProgress,
} from '../lib/processing/index.js';
import type { ActivityDeps } from './deps.js';

export interface DateRangeInput {
  startDate?: string;
  endDate?: string;
  userId?: string;
}

export function createProcessingActivities(deps: ActivityDeps) {
  // Validated here, so rules that would misdate punches stop the worker at start.
  const rules = rulesConfigFromConfig(deps.config);
  const logger = deps.logger.child({ component: 'processing' });
  return {
    /** One batch of unprocessed punches, in one transaction; counts only. */
    async processPunchBatch(input: { batchSize: number }): Promise<PendingResult> {
      return processPendingPunches(deps.sql, rules, { batchSize: input.batchSize, maxBatches: 1, logger });
    },

    /** Rebuilds a date range from raw punches; heartbeats per day and resumes there after a retry. */
    async processDateRange(input: DateRangeInput): Promise<ProcessingCounts> {
      const context = Context.current();
      const resumeFrom: RangeProgress | null = context.info.heartbeatDetails ?? null;
      return processDateRange(deps.sql, rules, {
        ...input,
        logger,
        resumeFrom,
        onProgress: (progress) => context.heartbeat(progress),
      });
    },
  };
}
