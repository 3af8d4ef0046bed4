/**
 * What a processing run did, in counts only (no records: data never flows through workflow history).
 * Pure and import-free, so workflows can sum counts too.
 */
export interface ProcessingCounts {
  /** Raw punches this run took (incremental) or rebuilt days from (date range), unusable ones included. */
  punchesProcessed: number;
  /** New daily records, at revision 1 and pending delivery. */
  daysCreated: number;
  /** Records whose content changed: revision + 1, delivery pending again. */
  daysRevised: number;
  /** Records rebuilt to the same content, and records kept because their punches are gone; not written. */
  daysUnchanged: number;
  /** Outlier records among the days created, revised or found unchanged. */
  outliers: number;
  /** Punches that could not be used (logged with the reason); they never block the others. */
  failed: number;
}

export function emptyCounts(): ProcessingCounts {
  return { punchesProcessed: 0, daysCreated: 0, daysRevised: 0, daysUnchanged: 0, outliers: 0, failed: 0 };
}

export function addCounts(a: ProcessingCounts, b: ProcessingCounts): ProcessingCounts {
  return {
    punchesProcessed: a.punchesProcessed + b.punchesProcessed,
    daysCreated: a.daysCreated + b.daysCreated,
    daysRevised: a.daysRevised + b.daysRevised,
    daysUnchanged: a.daysUnchanged + b.daysUnchanged,
    outliers: a.outliers + b.outliers,
    failed: a.failed + b.failed,
  };
}

/** The original system's answer to `POST /api/processed-attendance/process/`. */
export interface ProcessResponse {
  /** Raw punches read. */
  total_records: number;
  /** Daily records built (created, revised or confirmed unchanged). */
  processed: number;
  outliers: number;
  failed: number;
}

export function toProcessResponse(counts: ProcessingCounts): ProcessResponse {
  return {
    total_records: counts.punchesProcessed,
    processed: counts.daysCreated + counts.daysRevised + counts.daysUnchanged,
    outliers: counts.outliers,
    failed: counts.failed,
  };
}
