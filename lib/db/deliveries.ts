/**
 * Delivery state of the daily records (attendance_days) and the audit of every attempt
 * (delivery_attempts).
 *
 * A record counts as synced when the CRM has its current revision: `delivered_revision = revision`.
 * Processing resets a changed record to `pending` at `revision + 1`, so a corrected record is unsynced
 * until the new revision is delivered, even though an older one was.
 */
import type { DeliverableDay } from '../crm/payload.js';
import type { DeliveryPageItem, DeliverySelection, DeliveryStatus } from '../delivery/types.js';
import type { Sql } from './connection.js';

export interface DeliveryPageQuery {
  selection: DeliverySelection;
  /** Resume point: only records with a greater id. */
  afterId: number;
  pageSize: number;
}

/** The next page of records to deliver, in id order. */
export async function listDeliveryPage(sql: Sql, query: DeliveryPageQuery): Promise<DeliveryPageItem[]> {
  const { selection } = query;
  return sql<DeliveryPageItem[]>`
    select id, revision, user_id as "userId", date::text as date
    from attendance_days
    where id > ${query.afterId}
      and delivery_status in ${sql(selection.statuses)}
      ${selection.retryRoundsBelow === undefined ? sql`` : sql`and retry_rounds < ${selection.retryRoundsBelow}`}
      ${selection.startDate ? sql`and date >= ${selection.startDate}::date` : sql``}
      ${selection.endDate ? sql`and date <= ${selection.endDate}::date` : sql``}
      ${selection.userId ? sql`and user_id = ${selection.userId}` : sql``}
      ${selection.attendanceDayId === undefined ? sql`` : sql`and id = ${selection.attendanceDayId}`}
    order by id
    limit ${query.pageSize}`;
}

export interface DeliveryClaim {
  id: number;
  revision: number;
  /** Statuses the record may be in to be sent (the run's selection). */
  statuses: DeliveryStatus[];
  /** Who sends it: unique per delivery activity, the same for each of its attempts. */
  owner: string;
  leaseMs: number;
  /** The attempt about to be made: written down before the POST, settled after it. */
  attempt: number;
  idempotencyKey: string;
  workflowId: string | null;
}

export type ClaimResult =
  | {
      kind: 'claimed';
      day: DeliverableDay;
      /** The attempt row written as `sending`; `settleDeliveryAttempt` completes it. */
      attemptId: number;
      /** Earlier attempts on this record left unsettled (a worker died during their POST), now `unknown`. */
      closedUnsettled: number;
    }
  | { kind: 'skipped'; reason: string };

/** What an attempt found unsettled by the next delivery of its record is closed with. */
export const unsettledAttemptError =
  'the worker stopped before the CRM answer was stored; the CRM may have this revision ' +
  '(a later attempt with the same Idempotency-Key is applied once)';

/**
 * Takes the lease on a record revision for one delivery and returns what to send, joined with the
 * clock-in device (name and address; a push device's last source address) and the clock-in zone
 * (for the offsets). In the same statement it writes the attempt row as `sending`, so every POST
 * that may reach the CRM is in the audit even when the worker dies during it, and closes as
 * `unknown` the attempts on this record that an earlier worker left `sending` (the lease being free
 * or ours means no POST of theirs is still on). Nothing is claimed, and the reason is returned, when
 * the record is gone, was revised since it was listed, is no longer in a status the run sends, or
 * another run holds a live lease on it.
 */
export async function claimDelivery(sql: Sql, claim: DeliveryClaim): Promise<ClaimResult> {
  const [row] = await sql<(DeliverableDay & { attemptId: string; closedUnsettled: number })[]>`
    with claimed as (
      update attendance_days d
      set delivery_lease_owner = ${claim.owner},
          delivery_lease_until = now() + make_interval(secs => ${claim.leaseMs / 1000})
      from devices dev
      where d.id = ${claim.id}
        and d.revision = ${claim.revision}
        and d.delivery_status in ${sql(claim.statuses)}
        and (d.delivery_lease_until is null or d.delivery_lease_until < now()
             or d.delivery_lease_owner = ${claim.owner})
        and dev.id = d.clock_in_device_id
      returning d.id, d.user_id, d.date, d.revision, d.clock_in, d.clock_out, d.clock_in_timezone,
        d.is_outlier, d.outlier_reason, dev.name as device_name,
        -- The CRM's device_ip is a string: a push device has no address of its own, so the one it
        -- last pushed from, or '' before it has pushed.
        coalesce(case when dev.transport = 'push' then dev.push_last_address else dev.host end, '')
          as device_host
    ), closed as (
      update delivery_attempts a
      set outcome = 'unknown', error = ${unsettledAttemptError}
      from claimed
      where a.attendance_day_id = claimed.id and a.outcome = 'sending'
      returning a.id
    ), sending as (
      insert into delivery_attempts
        (attendance_day_id, revision, attempt, idempotency_key, duration_ms, outcome, workflow_id)
      select id, revision, ${claim.attempt}, ${claim.idempotencyKey}, null, 'sending', ${claim.workflowId}
      from claimed
      returning id
    )
    select c.id, c.user_id as "userId", c.date::text as date, c.revision, c.clock_in as "clockIn",
      c.clock_out as "clockOut", c.clock_in_timezone as timezone, c.is_outlier as "isOutlier",
      c.outlier_reason as "outlierReason", c.device_name as "deviceName", c.device_host as "deviceIp",
      (select id from sending) as "attemptId", (select count(*)::int from closed) as "closedUnsettled"
    from claimed c`;
  if (row) {
    const { attemptId, closedUnsettled, ...day } = row;
    return { kind: 'claimed', day, attemptId: Number(attemptId), closedUnsettled };
  }
  return { kind: 'skipped', reason: await whyNotClaimed(sql, claim) };
}

async function whyNotClaimed(sql: Sql, claim: DeliveryClaim): Promise<string> {
  const [row] = await sql<{ revision: number; status: DeliveryStatus; leased: boolean }[]>`
    select revision, delivery_status as status,
      coalesce(delivery_lease_until >= now() and delivery_lease_owner <> ${claim.owner}, false) as leased
    from attendance_days where id = ${claim.id}`;
  const record = `record ${claim.id}`;
  if (!row) return `${record} no longer exists`;
  if (row.revision !== claim.revision) {
    return `${record} was revised (revision ${claim.revision} -> ${row.revision}); the new revision goes next`;
  }
  if (!claim.statuses.includes(row.status))
    return `${record} revision ${row.revision} is already ${row.status}`;
  if (row.leased) return `${record} revision ${row.revision} is being delivered by another run`;
  return `${record} revision ${row.revision} could not be claimed`;
}

/**
 * The delivery stopped before the POST (the record could not be turned into a request): the attempt
 * row written by the claim goes, as nothing was sent, and the lease is given back.
 */
export async function releaseDelivery(
  sql: Sql,
  release: { id: number; owner: string; attemptId: number },
): Promise<void> {
  await sql`
    with unsent as (delete from delivery_attempts where id = ${release.attemptId} and outcome = 'sending')
    update attendance_days set delivery_lease_owner = null, delivery_lease_until = null
    where id = ${release.id} and delivery_lease_owner = ${release.owner}`;
}

/** `sending` until the CRM answered; `unknown` when a worker died before it could say. */
export type AttemptOutcome = 'sending' | 'delivered' | 'transient' | 'rejected' | 'unknown';

export interface SettledAttempt {
  id: number;
  revision: number;
  owner: string;
  /** The row `claimDelivery` wrote. */
  attemptId: number;
  outcome: 'delivered' | 'transient' | 'rejected';
  httpStatus: number | null;
  error: string | null;
  durationMs: number;
}

/**
 * Settles one attempt and what it means for the record, in one statement, and gives the lease back.
 * The record's state (attempt count, last attempt, last error, delivered / rejected) changes only if
 * its revision is still the one sent: a record revised during the POST stays pending for the new
 * revision. Returns whether the record was still at that revision.
 */
export async function settleDeliveryAttempt(
  sql: Sql,
  attempt: SettledAttempt,
): Promise<{ current: boolean }> {
  const status = attempt.outcome === 'transient' ? null : attempt.outcome;
  // Compared on the row itself (not a value read beforehand), so an update racing with processing
  // sees the revision processing wrote.
  const current = sql`revision = ${attempt.revision}`;
  const delivered = sql`${current} and ${status}::text = 'delivered'`;
  const [row] = await sql<{ current: boolean }[]>`
    with audit as (
      -- What the CRM answered is the truth, even over an 'unknown' a sweep wrote meanwhile.
      update delivery_attempts
      set outcome = ${attempt.outcome}, http_status = ${attempt.httpStatus}, error = ${attempt.error},
          duration_ms = ${Math.max(0, Math.round(attempt.durationMs))}
      where id = ${attempt.attemptId}
    )
    update attendance_days
    set sync_attempts = case when ${current} then sync_attempts + 1 else sync_attempts end,
        last_sync_attempt = case when ${current} then now() else last_sync_attempt end,
        last_sync_error = case when ${current} then ${attempt.error}::text else last_sync_error end,
        delivery_status = case when not (${current}) or ${status}::text is null then delivery_status
                               -- a forced re-send the CRM refuses does not undo the delivery before it
                               when delivery_status = 'delivered' and ${status}::text = 'rejected'
                                 then delivery_status
                               else ${status}::text end,
        delivered_revision = case when ${delivered} then revision else delivered_revision end,
        delivered_at = case when ${delivered} then now() else delivered_at end,
        updated_at = case when ${current} and ${status}::text is not null then now() else updated_at end,
        delivery_lease_owner = case when delivery_lease_owner = ${attempt.owner} then null
                                    else delivery_lease_owner end,
        delivery_lease_until = case when delivery_lease_owner = ${attempt.owner} then null
                                    else delivery_lease_until end
    where id = ${attempt.id}
    returning ${current} as current`;
  return { current: row?.current ?? false };
}

export interface DeliveryFailure {
  id: number;
  revision: number;
  error: string;
  /** A retry round ended in failure: count it towards CRM_RETRY_FAILED_ROUNDS. */
  countRound: boolean;
}

/**
 * Marks a record revision failed after its last attempt. A record delivered meanwhile (by another
 * run, or a forced re-send of a delivered record) stays delivered; a revised one stays pending.
 * Returns whether the record was marked.
 */
export async function markDeliveryFailed(sql: Sql, failure: DeliveryFailure): Promise<boolean> {
  const rows = await sql`
    update attendance_days
    set delivery_status = 'failed',
        last_sync_error = ${failure.error},
        last_sync_attempt = coalesce(last_sync_attempt, now()),
        retry_rounds = retry_rounds + ${failure.countRound ? 1 : 0},
        updated_at = now()
    where id = ${failure.id} and revision = ${failure.revision} and delivery_status <> 'delivered'`;
  return rows.count > 0;
}

/**
 * Re-delivery of one record asked for by a person: back to pending with fresh counters, so the next
 * sync sends it whatever happened before (rejected, failed for good, or delivered). Null if there
 * is no such record.
 */
export async function requeueDelivery(sql: Sql, id: number): Promise<DeliveryPageItem | null> {
  const [row] = await sql<DeliveryPageItem[]>`
    update attendance_days
    set delivery_status = 'pending', sync_attempts = 0, retry_rounds = 0, last_sync_error = null,
        updated_at = now()
    where id = ${id}
    returning id, revision, user_id as "userId", date::text as date`;
  return row ?? null;
}
