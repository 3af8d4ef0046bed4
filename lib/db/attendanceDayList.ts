/** The API's list and lookup of daily records (`attendance_days`), each with its clock-in device's name. */
import type { OrderTerm } from '../lists/ordering.js';
import type { Sql } from './connection.js';
import { employeeMatches } from './deviceUsers.js';
import { type Fragment, type Listed, listPage, type Window } from './listing.js';

// The API's list and lookup of daily records, each with its clock-in device's name.

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
  /** The last delivery attempt's error, null once delivered or never tried. */
  lastSyncError: string | null;
  /** The name the clock-in device knows the employee by; '' when it has none. */
  userName: string;
  /** Someone marked this revision of an outlier reviewed (outlier review; a revision undoes it). */
  reviewed: boolean;
  reviewedAt: Date | null;
  reviewedBy: string | null;
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
  /** Several delivery statuses (the deliveries page: failed and rejected). */
  deliveryStatuses?: readonly AttendanceDayRow['deliveryStatus'][];
  /** Records with a punch from this device. */
  deviceId?: number;
  /** Whether the current revision was marked reviewed. */
  reviewed?: boolean;
  /** The employee id exactly, or part of a name a device knows them by (any case). */
  employee?: string;
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

/** The CRM has the current revision: the same test as the delivery stats (lib/db/deliveryReports.ts). */
const syncedExpression = (sql: Sql) => sql`coalesce(a.delivered_revision = a.revision, false)`;

/** A review holds for the revision that was looked at (migration 0015). */
const reviewedExpression = (sql: Sql) => sql`coalesce(a.reviewed_revision = a.revision, false)`;

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
  a.last_sync_error as "lastSyncError", ${reviewedExpression(sql)} as reviewed,
  a.reviewed_at as "reviewedAt", a.reviewed_by as "reviewedBy",
  coalesce((select du.name from device_users du
            where du.device_id = a.clock_in_device_id and du.user_id = a.user_id), '') as "userName",
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
  if (filters.deliveryStatuses !== undefined) {
    conditions.push(sql`a.delivery_status in ${sql(filters.deliveryStatuses as string[])}`);
  }
  if (filters.deviceId !== undefined) conditions.push(sql`${filters.deviceId}::int = any(a.device_ids)`);
  if (filters.employee !== undefined) conditions.push(employeeMatches(sql, sql`a.user_id`, filters.employee));
  if (filters.reviewed !== undefined) {
    conditions.push(filters.reviewed ? reviewedExpression(sql) : sql`not ${reviewedExpression(sql)}`);
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
  return listPage<AttendanceDayRow, AttendanceDayOrderField>(sql, {
    from: sql`attendance_days a`,
    join: sql`join devices d on d.id = a.clock_in_device_id`,
    columns: attendanceDayColumns(sql),
    conditions: attendanceDayConditions(sql, options.filters),
    order: options.order,
    orderColumns: columns,
    id: sql`a.id`,
    window: options.window,
  });
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
