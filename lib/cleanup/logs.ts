import type { Sql } from '../db/connection.js';

/** A log table: its rows belong to an owner (a device, a record), and the newest of each stays. */
export interface LogTable {
  table: 'poll_runs' | 'delivery_attempts';
  /** When the row was written. */
  at: 'started_at' | 'attempted_at';
  owner: 'device_id' | 'attendance_day_id';
  /** What the removed rows are tallied by in cleanup_totals (the label of the metrics' counters). */
  label: 'status' | 'outcome';
}

export const pollRunLog: LogTable = {
  table: 'poll_runs',
  at: 'started_at',
  owner: 'device_id',
  label: 'status',
};

export const deliveryAttemptLog: LogTable = {
  table: 'delivery_attempts',
  at: 'attempted_at',
  owner: 'attendance_day_id',
  label: 'outcome',
};

export interface LogPruneOptions {
  /** Rows written at or after this instant are kept. */
  cutoff: Date;
  /** Rows examined per statement. */
  batchSize: number;
  /** Called after each committed batch with the rows deleted so far. */
  onBatch?: (deletedSoFar: number) => void;
}

interface ScanPosition {
  /** As PostgreSQL printed it, so no precision is lost on the way back. */
  at: string;
  id: number;
}

/**
 * Deletes the log rows written before the cutoff, except the newest row of each owner, so a device
 * that has not been polled for months still shows its last poll and a record its last delivery.
 * Batch by batch, oldest first, each batch one statement (its own transaction); the rows kept are
 * passed over, not examined again in the same run. Removed rows are tallied in the same statement,
 * so the counters on /metrics stay monotonic. Returns how many rows went.
 */
export async function pruneLog(sql: Sql, log: LogTable, options: LogPruneOptions): Promise<number> {
  let position: ScanPosition | null = null;
  let deleted = 0;
  for (;;) {
    const batch = await pruneBatch(sql, log, options, position);
    deleted += batch.deleted;
    options.onBatch?.(deleted);
    if (batch.scanned < options.batchSize || batch.last === null) return deleted;
    position = batch.last;
  }
}

async function pruneBatch(
  sql: Sql,
  log: LogTable,
  options: LogPruneOptions,
  after: ScanPosition | null,
): Promise<{ scanned: number; deleted: number; last: ScanPosition | null }> {
  const table = sql(log.table);
  const at = sql(log.at);
  const owner = sql(log.owner);
  const label = sql(log.label);
  const [row] = await sql<
    { scanned: number; deleted: number; lastAt: string | null; lastId: number | null }[]
  >`
    with scanned as (
      select r.id, r.${at} as at, r.${at}::text as at_text,
        exists (
          select 1 from ${table} n
          where n.${owner} = r.${owner} and n.${at} >= r.${at} and (n.${at}, n.id) > (r.${at}, r.id)
        ) as superseded
      from ${table} r
      where r.${at} < ${options.cutoff}
        ${
          after
            ? sql`and r.${at} >= ${after.at}::timestamptz
                 and (r.${at}, r.id) > (${after.at}::timestamptz, ${after.id}::bigint)`
            : sql``
        }
      order by r.${at}, r.id
      limit ${options.batchSize}
    ),
    gone as (
      delete from ${table} r using scanned s
      where s.superseded and r.id = s.id
      returning r.${label} as label
    ),
    tally as (
      insert into cleanup_totals (subject, label, removed)
      select ${log.table}, g.label, count(*) from gone g group by g.label
      on conflict (subject, label)
      do update set removed = cleanup_totals.removed + excluded.removed, updated_at = now()
    ),
    last as (select at_text, id from scanned order by at desc, id desc limit 1)
    select (select count(*) from scanned)::int as scanned, (select count(*) from gone)::int as deleted,
      (select at_text from last) as "lastAt", (select id from last) as "lastId"`;
  const last = row.lastAt !== null && row.lastId !== null ? { at: row.lastAt, id: row.lastId } : null;
  return { scanned: row.scanned, deleted: row.deleted, last };
}
