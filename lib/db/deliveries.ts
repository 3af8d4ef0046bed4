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
  const [result] = await claimDeliveries(sql, [claim]);
  return result;
}

/**
 * `claimDelivery` for several records in one statement, each as if claimed alone; the results are in
 * the order of the claims. Two claims of one record are made one after the other, so the second
 * meets the first's lease.
 */
export function claimDeliveries(sql: Sql, claims: readonly DeliveryClaim[]): Promise<ClaimResult[]> {
  return eachRecordOncePerStatement(claims, (distinct) => claimDistinctRecords(sql, distinct));
}

async function claimDistinctRecords(sql: Sql, claims: readonly DeliveryClaim[]): Promise<ClaimResult[]> {
  const ids = claims.map((claim) => claim.id);
  const wanted = claims.map((claim, ord) => ({
    ord,
    id: claim.id,
    revision: claim.revision,
    statuses: claim.statuses,
    owner: claim.owner,
    lease_secs: claim.leaseMs / 1000,
    attempt: claim.attempt,
    idempotency_key: claim.idempotencyKey,
    workflow_id: claim.workflowId,
  }));
  const rows = await sql<(DeliverableDay & { ord: number; attemptId: number; closedUnsettled: number })[]>`
    with wanted as (
      select * from jsonb_to_recordset(${sql.json(wanted)}) as w(ord int, id bigint, revision int,
        statuses text[], owner text, lease_secs float8, attempt int, idempotency_key text, workflow_id text)
    ), claimed as (
      update attendance_days d
      set delivery_lease_owner = w.owner,
          delivery_lease_until = now() + make_interval(secs => w.lease_secs)
      from wanted w, devices dev
      where d.id = w.id
        -- Spelled out for the planner, which cannot see how few rows the recordset holds.
        and d.id = any(${sql.array(ids)}::bigint[])
        and d.revision = w.revision
        and d.delivery_status = any(w.statuses)
        and (d.delivery_lease_until is null or d.delivery_lease_until < now()
             or d.delivery_lease_owner = w.owner)
        and dev.id = d.clock_in_device_id
      returning w.ord, w.attempt, w.idempotency_key, w.workflow_id, d.id, d.user_id, d.date, d.revision,
        d.clock_in, d.clock_out, d.clock_in_timezone, d.is_outlier, d.outlier_reason,
        dev.name as device_name,
        -- The CRM's device_ip is a string: a push device has no address of its own, so the one it
        -- last pushed from, or '' before it has pushed.
        coalesce(case when dev.transport = 'push' then dev.push_last_address else dev.host end, '')
          as device_host
    ), closed as (
      update delivery_attempts a
      set outcome = 'unknown', error = ${unsettledAttemptError}
      from claimed
      where a.attendance_day_id = claimed.id and a.outcome = 'sending'
        and a.attendance_day_id = any(${sql.array(ids)}::bigint[])
      returning a.attendance_day_id
    ), sending as (
      insert into delivery_attempts
        (attendance_day_id, revision, attempt, idempotency_key, duration_ms, outcome, workflow_id)
      select id, revision, attempt, idempotency_key, null, 'sending', workflow_id
      from claimed
      returning id, attendance_day_id
    )
    select c.ord, c.id, c.user_id as "userId", c.date::text as date, c.revision, c.clock_in as "clockIn",
      c.clock_out as "clockOut", c.clock_in_timezone as timezone, c.is_outlier as "isOutlier",
      c.outlier_reason as "outlierReason", c.device_name as "deviceName", c.device_host as "deviceIp",
      s.id as "attemptId",
      (select count(*)::int from closed where closed.attendance_day_id = c.id) as "closedUnsettled"
    from claimed c join sending s on s.attendance_day_id = c.id`;
  const results: ClaimResult[] = new Array(claims.length);
  for (const { ord, attemptId, closedUnsettled, ...day } of rows) {
    results[ord] = { kind: 'claimed', day, attemptId, closedUnsettled };
  }
  for (const [ord, claim] of claims.entries()) {
    results[ord] ??= { kind: 'skipped', reason: await whyNotClaimed(sql, claim) };
  }
  return results;
}

/**
 * Runs `statement` on the first entry of each record, then again on the rest: two entries for one
 * record in one statement would not see each other, so the second goes after the first. The results
 * are in the order of `items`.
 */
async function eachRecordOncePerStatement<T extends { id: number }, R>(
  items: readonly T[],
  statement: (distinct: readonly T[]) => Promise<R[]>,
): Promise<R[]> {
  const seen = new Set<number>();
  const first: number[] = [];
  const again: number[] = [];
  for (const [index, item] of items.entries()) {
    (seen.has(item.id) ? again : first).push(index);
    seen.add(item.id);
  }
  const results: R[] = new Array(items.length);
  const firstResults = await statement(first.map((index) => items[index]));
  for (const [i, index] of first.entries()) results[index] = firstResults[i];
  if (again.length > 0) {
    const later = await eachRecordOncePerStatement(
      again.map((index) => items[index]),
      statement,
    );
    for (const [i, index] of again.entries()) results[index] = later[i];
  }
  return results;
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
  const [result] = await settleDeliveryAttempts(sql, [attempt]);
  return result;
}

/** `settleDeliveryAttempt` for several attempts in one statement; the results in their order. */
export function settleDeliveryAttempts(
  sql: Sql,
  attempts: readonly SettledAttempt[],
): Promise<{ current: boolean }[]> {
  return eachRecordOncePerStatement(attempts, (distinct) => settleDistinctRecords(sql, distinct));
}

async function settleDistinctRecords(
  sql: Sql,
  attempts: readonly SettledAttempt[],
): Promise<{ current: boolean }[]> {
  const settled = attempts.map((attempt, ord) => ({
    ord,
    id: attempt.id,
    revision: attempt.revision,
    owner: attempt.owner,
    attempt_id: attempt.attemptId,
    outcome: attempt.outcome,
    // The record's new status; a transient failure leaves it as it is.
    status: attempt.outcome === 'transient' ? null : attempt.outcome,
    http_status: attempt.httpStatus,
    error: attempt.error,
    duration_ms: Math.max(0, Math.round(attempt.durationMs)),
  }));
  // Compared on the row itself (not a value read beforehand), so an update racing with processing
  // sees the revision processing wrote.
  const rows = await sql<{ ord: number; current: boolean }[]>`
    with settled as (
      select * from jsonb_to_recordset(${sql.json(settled)}) as s(ord int, id bigint, revision int,
        owner text, attempt_id bigint, outcome text, status text, http_status int, error text,
        duration_ms int)
    ), audit as (
      -- What the CRM answered is the truth, even over an 'unknown' a sweep wrote meanwhile.
      update delivery_attempts a
      set outcome = s.outcome, http_status = s.http_status, error = s.error, duration_ms = s.duration_ms
      from settled s
      where a.id = s.attempt_id
        -- Spelled out for the planner, which cannot see how few rows the recordset holds.
        and a.id = any(${sql.array(attempts.map((attempt) => attempt.attemptId))}::bigint[])
    )
    update attendance_days d
    set sync_attempts = case when d.revision = s.revision then d.sync_attempts + 1 else d.sync_attempts end,
        last_sync_attempt = case when d.revision = s.revision then now() else d.last_sync_attempt end,
        last_sync_error = case when d.revision = s.revision then s.error else d.last_sync_error end,
        delivery_status = case when d.revision <> s.revision or s.status is null then d.delivery_status
                               -- a forced re-send the CRM refuses does not undo the delivery before it
                               when d.delivery_status = 'delivered' and s.status = 'rejected'
                                 then d.delivery_status
                               else s.status end,
        delivered_revision = case when d.revision = s.revision and s.status = 'delivered' then d.revision
                                  else d.delivered_revision end,
        delivered_at = case when d.revision = s.revision and s.status = 'delivered' then now()
                            else d.delivered_at end,
        updated_at = case when d.revision = s.revision and s.status is not null then now()
                          else d.updated_at end,
        delivery_lease_owner = case when d.delivery_lease_owner = s.owner then null
                                    else d.delivery_lease_owner end,
        delivery_lease_until = case when d.delivery_lease_owner = s.owner then null
                                    else d.delivery_lease_until end
    from settled s
    where d.id = s.id and d.id = any(${sql.array(attempts.map((attempt) => attempt.id))}::bigint[])
    returning s.ord, d.revision = s.revision as current`;
  const results = attempts.map(() => ({ current: false }));
  for (const row of rows) results[row.ord] = { current: row.current };
  return results;
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
