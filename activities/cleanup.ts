import { Context } from '@temporalio/activity';
import {
  addCleanupCounts,
  type CleanupCounts,
  type DailyCleanupInput,
  emptyCleanupCounts,
  runCleanup,
} from '../lib/cleanup/index.js';
import type { ActivityDeps } from './deps.js';

export function createCleanupActivities(deps: ActivityDeps) {
  const logger = deps.logger.child({ component: 'cleanup' });
  return {
    /**
     * The whole cleanup, batch by batch; heartbeats the counts after every batch. A retry starts the
     * scan again (what is gone stays gone) and adds to the counts of the attempts before it.
     */
    async runDailyCleanup(input: DailyCleanupInput): Promise<CleanupCounts> {
      const context = Context.current();
      const before: CleanupCounts = context.info.heartbeatDetails ?? emptyCleanupCounts();
      const counts = await runCleanup(deps.sql, {
        ...input,
        now: deps.now(),
        onProgress: (progress) => context.heartbeat(addCleanupCounts(before, progress)),
      });
      const total = addCleanupCounts(before, counts);
      logger.info(
        { ...total, retentionDays: input.retentionDays, logRetentionDays: input.logRetentionDays },
        `cleanup deleted ${total.punchesDeleted} raw punches, ${total.pollRunsDeleted} poll runs and ` +
          `${total.attemptsDeleted} delivery attempts`,
      );
      return total;
    },
  };
}
