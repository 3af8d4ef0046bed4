import type { z } from '@hono/zod-openapi';
import type { AttendanceDayRow } from '../../lib/db/attendanceDayList.js';
import type { DeliveryAttemptRow } from '../../lib/db/deliveryReports.js';
import type { SyncResult } from '../../lib/delivery/types.js';
import { renderInstant } from '../common/render.js';
import type { AttendanceDayBody, DeliveryAttemptBody, SyncResultBody } from './schemas.js';

/** The original's record fields, then ours. Clock times carry the offset of the punch's device zone. */
export function toAttendanceDayBody(row: AttendanceDayRow, zone: string): z.infer<typeof AttendanceDayBody> {
  return {
    id: row.id,
    device: row.clockInDeviceId,
    device_name: row.clockInDeviceName,
    user_id: row.userId,
    date: row.date,
    clock_in: renderInstant(row.clockIn, row.clockInTimezone),
    clock_out: renderInstant(row.clockOut, row.clockOutTimezone ?? row.clockInTimezone),
    is_outlier: row.isOutlier,
    outlier_reason: row.outlierReason,
    synced_to_crm: row.synced,
    sync_attempts: row.syncAttempts,
    last_sync_attempt: renderInstant(row.lastSyncAttempt, zone),
    created_at: renderInstant(row.createdAt, zone),
    updated_at: renderInstant(row.updatedAt, zone),
    revision: row.revision,
    delivery_status: row.deliveryStatus,
    delivered_revision: row.deliveredRevision,
    flags: row.flags,
    punch_count: row.punchCount,
    devices: row.deviceIds,
  };
}

export function toSyncResultBody(result: SyncResult): z.infer<typeof SyncResultBody> {
  return {
    total: result.total,
    successful: result.successful,
    failed: result.failed,
    errors: result.errors,
    not_sent: result.notSent,
    skipped: result.skipped ?? null,
  };
}

export function toDeliveryAttemptBody(
  row: DeliveryAttemptRow,
  zone: string,
): z.infer<typeof DeliveryAttemptBody> {
  return {
    id: row.id,
    revision: row.revision,
    attempt: row.attempt,
    idempotency_key: row.idempotencyKey,
    attempted_at: renderInstant(row.attemptedAt, zone),
    duration_ms: row.durationMs,
    outcome: row.outcome,
    http_status: row.httpStatus,
    error: row.error,
    workflow_id: row.workflowId,
  };
}
