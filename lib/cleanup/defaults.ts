/**
 * Poll runs and delivery attempts are an audit trail, kept twice as long as raw punches by default so
 * a question about a delivered record can still be answered after its punches are gone.
 */
export const DEFAULT_LOG_RETENTION_DAYS = 180;

/** Rows per delete statement: each batch is its own short transaction, whatever the table's size. */
export const DEFAULT_CLEANUP_BATCH_SIZE = 2000;
