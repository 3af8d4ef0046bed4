import { z } from '@hono/zod-openapi';
import { attendanceDayOrderFields } from '../../lib/db/attendanceDayList.js';
import { MAX_PAGE_SIZE } from '../../lib/lists/pagination.js';
import {
  DateString,
  dateQuery,
  dateRangeQuery,
  optionalQuery,
  orderingQuery,
  PageQuery,
  PlainText,
  pageOf,
  QueryBoolean,
  WaitQuery,
} from '../common/schemas.js';

const deliveryStatuses = ['pending', 'delivered', 'failed', 'rejected'] as const;

export const AttendanceDayBody = z
  .object({
    id: z.number().int(),
    device: z.number().int().openapi({ description: 'The clock-in device' }),
    device_name: z.string(),
    user_id: z.string(),
    date: z.string().openapi({ format: 'date' }),
    clock_in: z.string(),
    clock_out: z.string().nullable(),
    is_outlier: z.boolean(),
    outlier_reason: z.string(),
    synced_to_crm: z.boolean().openapi({ description: 'The CRM has the current revision' }),
    sync_attempts: z.number().int(),
    last_sync_attempt: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
    revision: z.number().int(),
    delivery_status: z.enum(deliveryStatuses),
    delivered_revision: z.number().int().nullable(),
    flags: z.array(z.string()),
    punch_count: z.number().int(),
    devices: z.array(z.number().int()),
  })
  .openapi('ProcessedAttendance');

export const AttendanceDayPageBody = pageOf(AttendanceDayBody, 'ProcessedAttendancePage');

const booleanParameter = { type: 'string', enum: ['true', 'false', '1', '0'] };

const listFilters = {
  ...PageQuery,
  ordering: orderingQuery(attendanceDayOrderFields),
  user_id: optionalQuery(PlainText(64), { type: 'string' }),
  synced_to_crm: optionalQuery(QueryBoolean, booleanParameter),
  delivery_status: optionalQuery(z.enum(deliveryStatuses), { type: 'string', enum: [...deliveryStatuses] }),
};

export const AttendanceDayListQuery = dateRangeQuery({
  ...listFilters,
  is_outlier: optionalQuery(QueryBoolean, booleanParameter),
});
export const OutlierListQuery = dateRangeQuery(listFilters);

export const UnsyncedQuery = z.object({
  limit: optionalQuery(
    z
      .string()
      .regex(/^\d{1,7}$/, 'must be a whole number')
      .transform(Number)
      .refine((n) => n >= 1 && n <= MAX_PAGE_SIZE, `must be from 1 to ${MAX_PAGE_SIZE}`),
    { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: 100 },
  ),
});

export const DeliveryStatsBody = z
  .object({
    total: z.number().int(),
    synced: z.number().int(),
    unsynced: z.number().int(),
    failed: z.number().int(),
    sync_percentage: z.number(),
    pending: z.number().int(),
    rejected: z.number().int(),
  })
  .openapi('ProcessedAttendanceStats');

/** A device clock holds the years 2000 to 2099 only: no punch, so no day to rebuild, lies outside. */
const ProcessDate = DateString.refine(
  (date) => date >= '2000-01-01' && date <= '2099-12-31',
  'must be from 2000-01-01 to 2099-12-31, the years a device clock can hold',
);

export const ProcessQuery = WaitQuery.extend({
  start_date: dateQuery(ProcessDate),
  end_date: dateQuery(ProcessDate),
});

export const ProcessBody = z
  .object({ start_date: ProcessDate.optional(), end_date: ProcessDate.optional() })
  .strict()
  .openapi('ProcessRequest');

export const ProcessResultBody = z
  .object({
    total_records: z.number().int(),
    processed: z.number().int(),
    outliers: z.number().int(),
    failed: z.number().int(),
  })
  .openapi('ProcessResult');

export const SyncQuery = WaitQuery.extend({
  limit: optionalQuery(
    z
      .string()
      .regex(/^\d{1,7}$/, 'must be a whole number')
      .transform(Number)
      .refine((n) => n >= 1 && n <= 100_000, 'must be from 1 to 100000'),
    { type: 'integer', minimum: 1, maximum: 100_000, description: 'Most records to send; all when absent' },
  ),
});

export const SyncResultBody = z
  .object({
    total: z.number().int(),
    successful: z.number().int(),
    failed: z.number().int(),
    errors: z.array(z.object({ user_id: z.string(), date: z.string(), error: z.string() })),
    not_sent: z.number().int(),
    skipped: z.string().nullable(),
  })
  .openapi('SyncResult');

export const DeliveryAttemptBody = z
  .object({
    id: z.number().int(),
    revision: z.number().int(),
    attempt: z.number().int(),
    idempotency_key: z.string(),
    attempted_at: z.string(),
    duration_ms: z.number().int().nullable(),
    outcome: z.enum(['sending', 'delivered', 'transient', 'rejected', 'unknown']),
    http_status: z.number().int().nullable(),
    error: z.string().nullable(),
    workflow_id: z.string().nullable(),
  })
  .openapi('DeliveryAttempt');

export const DeliveryAttemptPageBody = pageOf(DeliveryAttemptBody, 'DeliveryAttemptPage');
export const AttemptListQuery = z.object(PageQuery);
