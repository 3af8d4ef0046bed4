import type { Sql } from '../db/connection.js';
import { lockUsersForProcessing } from '../db/punchProcessing.js';

export interface PunchRetentionOptions {
  /** Punches at or after this instant are kept. */
  cutoff: Date;
  /** Punches examined per transaction. */
  batchSize: number;
  /** Called after each committed batch with the punches deleted so far. */
  onBatch?: (deletedSoFar: number) => void;
}

/** Where the scan stands: the last punch examined, by (instant, id). */
interface ScanPosition {
  /** As PostgreSQL printed it, so no precision is lost on the way back. */
  punchedAt: string;
  id: number;
}

/**
 * Deletes raw punches past retention whose daily record the CRM holds, and returns how many.
 *
 * A punch goes only with its whole attendance day, and only when all of these hold for that day:
 * - its record's current revision is delivered (`delivery_status = 'delivered'` and
 *   `delivered_revision = revision`): a pending, failed, rejected, revised or re-queued record may
 *   still need rebuilding from its punches, and the CRM may not have its content yet;
 * - every punch the record lists is older than the cutoff and processed: a day is never left half
 *   there, so the records and the raw punches behind them agree;
 * - no punch of that user waits for processing at any wall clock the day can cover: such a punch
 *   reopens the day, which must happen while the punches are still there;
 * - no other record that is not delivered lists one of its punches (a record of the neighbouring
 *   day rebuilt after the day-change rules changed).
 * Punches no record lists (a punch the rules could not use) stay: there is nothing to show the CRM
 * has them.
 *
 * Why deleting does not damage a record: processing never rebuilds a stored record from a subset of
 * the punches it was built from (lib/processing/rebuild.ts). A punch that arrives after its day was
 * cleaned up is kept raw, logged and counted as failed; the delivered record stays as it is, rather
 * than being rebuilt from that one punch into a wrong clock-in. Each batch holds the same per-user
 * processing locks as processing, and checks the conditions again after taking them, so a day that
 * processing is revising right now is never emptied under it.
 *
 * Each batch is one short transaction over at most `batchSize` punches (and the days they belong to).
 */
export async function deleteDeliveredPunches(sql: Sql, options: PunchRetentionOptions): Promise<number> {
  let position: ScanPosition | null = null;
  let deleted = 0;
  for (;;) {
    const batch = await deleteBatch(sql, options, position);
    deleted += batch.deleted;
    options.onBatch?.(deleted);
    if (batch.scanned < options.batchSize || batch.last === null) return deleted;
    position = batch.last;
  }
}

async function deleteBatch(
  sql: Sql,
  options: PunchRetentionOptions,
  after: ScanPosition | null,
): Promise<{ scanned: number; deleted: number; last: ScanPosition | null }> {
  return sql.begin(async (tx) => {
    // Oldest first, past the previous batch: punches that must stay are examined once per run.
    const candidates = await tx<{ id: number; punchedAt: string }[]>`
      select p.id, p.punched_at::text as "punchedAt"
      from raw_punches p
      where p.punched_at < ${options.cutoff} and p.processed_at is not null
        ${
          after
            ? tx`and p.punched_at >= ${after.punchedAt}::timestamptz
                 and (p.punched_at, p.id) > (${after.punchedAt}::timestamptz, ${after.id}::bigint)`
            : tx``
        }
      order by p.punched_at, p.id
      limit ${options.batchSize}`;
    if (candidates.length === 0) return { scanned: 0, deleted: 0, last: null };
    const last = candidates[candidates.length - 1];

    // A punch's attendance day is its wall-clock date or the day before (a day change is under 24 h).
    const days = await tx<{ id: number; userId: string }[]>`
      select distinct a.id, a.user_id as "userId"
      from raw_punches p
      join attendance_days a
        on a.user_id = p.user_id
       and a.date between p.punched_at_local::date - 1 and p.punched_at_local::date
       and p.id = any(a.punch_ids)
      where p.id = any(${candidates.map((c) => c.id)}::bigint[])
        and a.delivery_status = 'delivered' and a.delivered_revision = a.revision`;
    if (days.length === 0) return { scanned: candidates.length, deleted: 0, last };

    await lockUsersForProcessing(tx, [...new Set(days.map((d) => d.userId))]);
    // A new statement, so it sees whatever processing committed while this batch waited for the locks.
    const [row] = await tx<{ deleted: number }[]>`
      with eligible as (
        select a.id, a.punch_ids
        from attendance_days a
        where a.id = any(${days.map((d) => d.id)}::bigint[])
          and a.delivery_status = 'delivered' and a.delivered_revision = a.revision
          and not exists (
            select 1 from raw_punches q
            where q.id = any(a.punch_ids) and (q.punched_at >= ${options.cutoff} or q.processed_at is null))
          -- The widest span a day's wall clocks can have: its midnight to the second midnight after.
          and not exists (
            select 1 from raw_punches u
            where u.user_id = a.user_id and u.processed_at is null
              and u.punched_at_local >= a.date and u.punched_at_local < a.date + 2)
          -- After a change of day-change rules a punch can be listed by the neighbouring day too.
          and not exists (
            select 1 from attendance_days o
            where o.user_id = a.user_id and o.date between a.date - 1 and a.date + 1 and o.id <> a.id
              and o.punch_ids && a.punch_ids
              and not (o.delivery_status = 'delivered' and o.delivered_revision = o.revision))
      ),
      gone as (
        delete from raw_punches p
        where p.id in (select unnest(e.punch_ids) from eligible e)
        returning p.id
      ),
      tally as (
        insert into cleanup_totals (subject, label, removed)
        select 'raw_punches', '', count(*) from gone having count(*) > 0
        on conflict (subject, label)
        do update set removed = cleanup_totals.removed + excluded.removed, updated_at = now()
      )
      select count(*)::int as deleted from gone`;
    return { scanned: candidates.length, deleted: row.deleted, last };
  });
}
