/** What the API, status and metrics read of deliveries: the figures and one record's attempt audit. */
import type { Sql } from './connection.js';
import type { AttemptOutcome } from './deliveries.js';

export interface DeliveryStats {
  total: number;
  /** The CRM has the current revision (`delivered_revision = revision`). */
  synced: number;
  /** total - synced: pending, failed and rejected records. */
  unsynced: number;
  /** Needing attention: failed (transient class, retried by the retry rounds) plus rejected. */
  failed: number;
  /** Percentage of synced records, two decimals; 0 when there are no records. */
  sync_percentage: number;
  pending: number;
  rejected: number;
}

export async function deliveryStats(sql: Sql): Promise<DeliveryStats> {
  const [row] = await sql<
    { total: number; synced: number; pending: number; failed: number; rejected: number }[]
  >`
    select count(*)::int as total,
      count(*) filter (where delivered_revision = revision)::int as synced,
      count(*) filter (where delivery_status = 'pending')::int as pending,
      count(*) filter (where delivery_status = 'failed')::int as failed,
      count(*) filter (where delivery_status = 'rejected')::int as rejected
    from attendance_days`;
  const percentage = row.total === 0 ? 0 : Math.round((row.synced / row.total) * 10_000) / 100;
  return {
    total: row.total,
    synced: row.synced,
    unsynced: row.total - row.synced,
    failed: row.failed + row.rejected,
    sync_percentage: percentage,
    pending: row.pending,
    rejected: row.rejected,
  };
}

export interface DeliveryAttemptRow {
  id: number;
  attendanceDayId: number;
  revision: number;
  attempt: number;
  idempotencyKey: string;
  attemptedAt: Date;
  /** Null while the POST is on, and for an attempt whose answer was never stored. */
  durationMs: number | null;
  outcome: AttemptOutcome;
  httpStatus: number | null;
  error: string | null;
  workflowId: string | null;
}

/** Every attempt to deliver one record, oldest first. */
export async function listDeliveryAttempts(sql: Sql, attendanceDayId: number): Promise<DeliveryAttemptRow[]> {
  return sql<DeliveryAttemptRow[]>`
    select id, attendance_day_id as "attendanceDayId", revision, attempt, idempotency_key as "idempotencyKey",
      attempted_at as "attemptedAt", duration_ms as "durationMs", outcome, http_status as "httpStatus", error,
      workflow_id as "workflowId"
    from delivery_attempts
    where attendance_day_id = ${attendanceDayId}
    order by attempted_at, id`;
}
