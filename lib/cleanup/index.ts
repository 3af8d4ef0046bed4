export { DEFAULT_CLEANUP_BATCH_SIZE, DEFAULT_LOG_RETENTION_DAYS } from './defaults.js';
export { deliveryAttemptLog, type LogPruneOptions, type LogTable, pollRunLog, pruneLog } from './logs.js';
export { deleteDeliveredPunches, type PunchRetentionOptions } from './punches.js';
export { type CleanupOptions, runCleanup } from './run.js';
export { addCleanupCounts, type CleanupCounts, type DailyCleanupInput, emptyCleanupCounts } from './types.js';
