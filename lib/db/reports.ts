/**
 * The list, filter and page queries behind the HTTP API, and the device writes it makes. Ordering
 * fields are names from fixed allow-lists mapped to SQL fragments here; nothing a client sends is
 * ever spliced into SQL.
 */
import type { OrderTerm } from '../api/ordering.js';
import type { Sql } from './connection.js';
import { type Fragment, type Listed, orderBy, type Window, whereAll } from './listing.js';

// ---------------------------------------------------------------------------------------------------
// Attendance days

export interface AttendanceDayRow {
  id: number;
  userId: string;
  /** 'YYYY-MM-DD'. */
  date: string;
  clockIn: Date;
  clockInTimezone: string;
  clockInDeviceId: number;
  clockInDeviceName: string;
  clockOut: Date | null;
  clockOutTimezone: string | null;
  clockOutDeviceId: number | null;
  isOutlier: boolean;
  outlierReason: string;
  flags: string[];
  revision: number;
  deliveryStatus: 'pending' | 'delivered' | 'failed' | 'rejected';
  deliveredRevision: number | null;
  /** The CRM has the current revision (`synced_to_crm`). */
  synced: boolean;
  syncAttempts: number;
  lastSyncAttempt: Date | null;
  punchCount: number;
  deviceIds: number[];
  createdAt: Date;
  updatedAt: Date;
}

export interface AttendanceDayFilters {
  userId?: string;
  startDate?: string;
  endDate?: string;
  isOutlier?: boolean;
  syncedToCrm?: boolean;
  deliveryStatus?: AttendanceDayRow['deliveryStatus'];
}

export const attendanceDayOrderFields = [
  'id',
  'date',
  'user_id',
  'device',
  'clock_in',
  'clock_out',
  'is_outlier',
  'synced_to_crm',
  'sync_attempts',
  'last_sync_attempt',
  'revision',
  'delivery_status',
  'created_at',
  'updated_at',
] as const;
export type AttendanceDayOrderField = (typeof attendanceDayOrderFields)[number];

/** The CRM has the current revision: the same test as the delivery stats (lib/db/deliveries.ts). */
const syncedExpression = (sql: Sql) => sql`coalesce(a.delivered_revision = a.revision, false)`;

const attendanceDayColumns = (sql: Sql) => sql`
  a.id, a.user_id as "userId", a.date::text as date,
  a.clock_in as "clockIn", a.clock_in_timezone as "clockInTimezone",
  a.clock_in_device_id as "clockInDeviceId", d.name as "clockInDeviceName",
  a.clock_out as "clockOut", a.clock_out_timezone as "clockOutTimezone",
  a.clock_out_device_id as "clockOutDeviceId",
  a.is_outlier as "isOutlier", a.outlier_reason as "outlierReason", a.flags, a.revision,
  a.delivery_status as "deliveryStatus", a.delivered_revision as "deliveredRevision",
  ${syncedExpression(sql)} as synced,
  a.sync_attempts as "syncAttempts", a.last_sync_attempt as "lastSyncAttempt",
  a.punch_count as "punchCount", a.device_ids as "deviceIds",
  a.created_at as "createdAt", a.updated_at as "updatedAt"`;

function attendanceDayConditions(sql: Sql, filters: AttendanceDayFilters): Fragment[] {
  const conditions: Fragment[] = [];
  if (filters.userId !== undefined) conditions.push(sql`a.user_id = ${filters.userId}`);
  if (filters.startDate !== undefined) conditions.push(sql`a.date >= ${filters.startDate}::date`);
  if (filters.endDate !== undefined) conditions.push(sql`a.date <= ${filters.endDate}::date`);
  if (filters.isOutlier !== undefined) conditions.push(sql`a.is_outlier = ${filters.isOutlier}`);
  if (filters.syncedToCrm !== undefined) {
    conditions.push(filters.syncedToCrm ? syncedExpression(sql) : sql`not ${syncedExpression(sql)}`);
  }
  if (filters.deliveryStatus !== undefined) {
    conditions.push(sql`a.delivery_status = ${filters.deliveryStatus}`);
  }
  return conditions;
}

export async function listAttendanceDays(
  sql: Sql,
  options: {
    filters: AttendanceDayFilters;
    order: readonly OrderTerm<AttendanceDayOrderField>[];
    window: Window;
  },
): Promise<Listed<AttendanceDayRow>> {
  const columns: Record<AttendanceDayOrderField, Fragment> = {
    id: sql`a.id`,
    date: sql`a.date`,
    user_id: sql`a.user_id`,
    device: sql`a.clock_in_device_id`,
    clock_in: sql`a.clock_in`,
    clock_out: sql`a.clock_out`,
    is_outlier: sql`a.is_outlier`,
    synced_to_crm: syncedExpression(sql),
    sync_attempts: sql`a.sync_attempts`,
    last_sync_attempt: sql`a.last_sync_attempt`,
    revision: sql`a.revision`,
    delivery_status: sql`a.delivery_status`,
    created_at: sql`a.created_at`,
    updated_at: sql`a.updated_at`,
  };
  const where = whereAll(sql, attendanceDayConditions(sql, options.filters));
  const [{ count }] = await sql<
    { count: number }[]
  >`select count(*)::int as count from attendance_days a ${where}`;
  const rows = await sql<AttendanceDayRow[]>`
    select ${attendanceDayColumns(sql)}
    from attendance_days a join devices d on d.id = a.clock_in_device_id
    ${where}
    order by ${orderBy(sql, options.order, columns, sql`a.id`)}
    limit ${options.window.limit} offset ${options.window.offset}`;
  return { count, rows };
}

export async function findAttendanceDay(sql: Sql, id: number): Promise<AttendanceDayRow | null> {
  const [row] = await sql<AttendanceDayRow[]>`
    select ${attendanceDayColumns(sql)}
    from attendance_days a join devices d on d.id = a.clock_in_device_id
    where a.id = ${id}`;
  return row ?? null;
}

/** Records whose current revision is not delivered yet, oldest day first (the order they are sent in). */
export async function listUnsyncedAttendanceDays(sql: Sql, limit: number): Promise<AttendanceDayRow[]> {
  return sql<AttendanceDayRow[]>`
    select ${attendanceDayColumns(sql)}
    from attendance_days a join devices d on d.id = a.clock_in_device_id
    where not ${syncedExpression(sql)}
    order by a.date, a.id
    limit ${limit}`;
}
