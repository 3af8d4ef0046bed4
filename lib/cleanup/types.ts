/**
 * What the daily cleanup is asked to do and what it did. Pure and import-free, so the workflow can
 * use these types and sum counts too.
 */

export interface DailyCleanupInput {
  /** Raw punches older than this many days may go, once their day is processed and delivered. */
  retentionDays: number;
  /** Poll runs and delivery attempts older than this many days go (the newest of each kept). */
  logRetentionDays: number;
}

/** Counts only: rows never flow through workflow history. */
export interface CleanupCounts {
  punchesDeleted: number;
  /** Always 0 in this schema: the punch identity constraint makes exact duplicates impossible. */
  duplicatesRemoved: number;
  pollRunsDeleted: number;
  attemptsDeleted: number;
}

export function emptyCleanupCounts(): CleanupCounts {
  return { punchesDeleted: 0, duplicatesRemoved: 0, pollRunsDeleted: 0, attemptsDeleted: 0 };
}

export function addCleanupCounts(a: CleanupCounts, b: CleanupCounts): CleanupCounts {
  return {
    punchesDeleted: a.punchesDeleted + b.punchesDeleted,
    duplicatesRemoved: a.duplicatesRemoved + b.duplicatesRemoved,
    pollRunsDeleted: a.pollRunsDeleted + b.pollRunsDeleted,
    attemptsDeleted: a.attemptsDeleted + b.attemptsDeleted,
  };
}
