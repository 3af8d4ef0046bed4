/** Punches per transaction when nobody says otherwise; docs/BENCHMARKS.md has the measurements. */
export const DEFAULT_PUNCH_BATCH_SIZE = 5000;
