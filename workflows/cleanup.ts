import type { CleanupCounts, DailyCleanupInput } from '../lib/cleanup/types.js';
import { mainQueueActivities } from './queues.js';

// Deletes run in short batches and heartbeat after each, so a stuck database is noticed in minutes
// while a large first cleanup may take long.
const { runDailyCleanup } = mainQueueActivities({
  startToCloseTimeout: '6 hours',
  heartbeatTimeout: '5 minutes',
  retry: {
    maximumAttempts: 3,
    initialInterval: '1 minute',
    backoffCoefficient: 2,
  },
});

/**
 * Daily cleanup: delete raw punches past retention whose day is processed and delivered, prune old
 * poll runs and delivery attempts, report the counts. A cleanup that fails after its last attempt
 * fails the run, visibly in the Web UI; nothing else depends on it, and tomorrow's run starts over.
 */
export async function dailyCleanup(input: DailyCleanupInput): Promise<CleanupCounts> {
  return runDailyCleanup(input);
}
