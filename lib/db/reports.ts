/**
 * The list, filter and page queries behind the HTTP API, and the device writes it makes. Ordering
 * fields are names from fixed allow-lists mapped to SQL fragments here; nothing a client sends is
 * ever spliced into SQL.
 */
import type { OrderTerm } from '../api/ordering.js';
import type { Sql } from './connection.js';
import { type Fragment, type Listed, orderBy, type Window, whereAll } from './listing.js';

// ---------------------------------------------------------------------------------------------------
// Raw punches

export interface RawPunchRow {
  id: number;
  deviceId: number;
  deviceName: string;
  userId: string;
  punchedAt: Date;
  /** The device's wall clock, 'YYYY-MM-DDTHH:MM:SS'. */
  punchedAtLocal: string;
  timezone: string;
  timeResolution: string;
  punchState: number;
  verifyType: number;
  source: string;
  createdAt: Date;
  processedAt: Date | null;
}

export interface RawPunchFilters {
  userId?: string;
  deviceId?: number;
  /** Device wall-clock dates, 'YYYY-MM-DD', inclusive. */
  startDate?: string;
  endDate?: string;
}

export const rawPunchOrderFields = [
  'id',
  'timestamp',
  'local_time',
  'user_id',
  'device',
  'punch_state',
  'verify_type',
  'created_at',
] as const;
export type RawPunchOrderField = (typeof rawPunchOrderFields)[number];

const rawPunchColumns = (sql: Sql) => sql`
  p.id, p.device_id as "deviceId", d.name as "deviceName", p.user_id as "userId",
  p.punched_at as "punchedAt",
  to_char(p.punched_at_local, 'YYYY-MM-DD"T"HH24:MI:SS') as "punchedAtLocal",
  p.timezone, p.time_resolution as "timeResolution", p.punch_state as "punchState",
  p.verify_type as "verifyType", p.source, p.created_at as "createdAt", p.processed_at as "processedAt"`;

function rawPunchConditions(sql: Sql, filters: RawPunchFilters): Fragment[] {
  const conditions: Fragment[] = [];
  if (filters.userId !== undefined) conditions.push(sql`p.user_id = ${filters.userId}`);
  if (filters.deviceId !== undefined) conditions.push(sql`p.device_id = ${filters.deviceId}`);
  // A punch is dated by the wall clock of its own device, like its attendance day. Every zone is
  // within 15 hours of UTC, so the instant bound on punched_at never drops a match; it only lets
  // PostgreSQL use the time index instead of reading every punch.
  if (filters.startDate !== undefined) {
    conditions.push(sql`p.punched_at_local >= ${filters.startDate}::date`);
    conditions.push(
      sql`p.punched_at >= (${filters.startDate}::date::timestamp at time zone 'UTC') - interval '15 hours'`,
    );
  }
  if (filters.endDate !== undefined) {
    conditions.push(sql`p.punched_at_local < ${filters.endDate}::date + 1`);
    conditions.push(
      sql`p.punched_at < ((${filters.endDate}::date + 1)::timestamp at time zone 'UTC') + interval '15 hours'`,
    );
  }
  return conditions;
}

export async function listRawPunches(
  sql: Sql,
  options: { filters: RawPunchFilters; order: readonly OrderTerm<RawPunchOrderField>[]; window: Window },
): Promise<Listed<RawPunchRow>> {
  const columns: Record<RawPunchOrderField, Fragment> = {
    id: sql`p.id`,
    timestamp: sql`p.punched_at`,
    local_time: sql`p.punched_at_local`,
    user_id: sql`p.user_id`,
    device: sql`p.device_id`,
    punch_state: sql`p.punch_state`,
    verify_type: sql`p.verify_type`,
    created_at: sql`p.created_at`,
  };
  const where = whereAll(sql, rawPunchConditions(sql, options.filters));
  const [{ count }] = await sql<
    { count: number }[]
  >`select count(*)::int as count from raw_punches p ${where}`;
  const rows = await sql<RawPunchRow[]>`
    select ${rawPunchColumns(sql)}
    from raw_punches p join devices d on d.id = p.device_id
    ${where}
    order by ${orderBy(sql, options.order, columns, sql`p.id`)}
    limit ${options.window.limit} offset ${options.window.offset}`;
  return { count, rows };
}

export async function findRawPunch(sql: Sql, id: number): Promise<RawPunchRow | null> {
  const [row] = await sql<RawPunchRow[]>`
    select ${rawPunchColumns(sql)}
    from raw_punches p join devices d on d.id = p.device_id
    where p.id = ${id}`;
  return row ?? null;
}

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
