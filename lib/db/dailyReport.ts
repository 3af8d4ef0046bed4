/**
 * The daily report: every employee the bridge knows for one attendance day, present or not, and
 * the day's figures. "Known" means enrolled on a device (device_users) or having a record that day.
 */
import type { Sql } from './connection.js';
import { employeeMatches } from './deviceUsers.js';
import { whereAll } from './listing.js';
import { rawPunchConditions } from './punches.js';

export interface DailyReportFilters {
  /** 'YYYY-MM-DD', the attendance day. */
  date: string;
  deviceId?: number;
  /** Employee id, or part of a name. */
  search?: string;
}

export interface DailyReportRow {
  userId: string;
  /** The name a device knows the employee by; '' when no device has one. */
  name: string;
  /** Null: absent (no record for the day). */
  recordId: number | null;
  clockIn: Date | null;
  clockInTimezone: string | null;
  clockOut: Date | null;
  clockOutTimezone: string | null;
  deviceId: number | null;
  deviceName: string | null;
  punchCount: number | null;
  isOutlier: boolean;
  outlierReason: string;
  flags: string[];
  synced: boolean;
  deliveryStatus: 'pending' | 'delivered' | 'failed' | 'rejected' | null;
}

export async function listDailyReport(sql: Sql, filters: DailyReportFilters): Promise<DailyReportRow[]> {
  const device = filters.deviceId;
  const onDevice = (alias: string) =>
    device === undefined
      ? sql`true`
      : sql`(${sql(alias)}.clock_in_device_id = ${device} or ${sql(alias)}.clock_out_device_id = ${device}
             or ${device} = any(${sql(alias)}.device_ids))`;
  return sql<DailyReportRow[]>`
    with known as (
      select user_id from device_users ${device === undefined ? sql`` : sql`where device_id = ${device}`}
      union
      select user_id from attendance_days k where k.date = ${filters.date}::date and ${onDevice('k')}
    ),
    names as (
      select user_id, coalesce(
        max(name) filter (where name <> '' ${device === undefined ? sql`` : sql`and device_id = ${device}`}),
        max(name) filter (where name <> ''), '') as name
      from device_users group by user_id
    )
    select known.user_id as "userId", coalesce(n.name, '') as name, a.id as "recordId",
      a.clock_in as "clockIn", a.clock_in_timezone as "clockInTimezone",
      a.clock_out as "clockOut", a.clock_out_timezone as "clockOutTimezone",
      a.clock_in_device_id as "deviceId", d.name as "deviceName", a.punch_count as "punchCount",
      coalesce(a.is_outlier, false) as "isOutlier", coalesce(a.outlier_reason, '') as "outlierReason",
      coalesce(a.flags, '{}') as flags,
      coalesce(a.delivered_revision = a.revision, false) as synced,
      a.delivery_status as "deliveryStatus"
    from known
    left join attendance_days a on a.user_id = known.user_id and a.date = ${filters.date}::date
    left join devices d on d.id = a.clock_in_device_id
    left join names n on n.user_id = known.user_id
    ${filters.search ? sql`where ${employeeMatches(sql, sql`known.user_id`, filters.search)}` : sql``}
    order by length(known.user_id), known.user_id`;
}

export interface DayTotals {
  records: number;
  outliers: number;
  unsynced: number;
}

/** The dashboard's three figures for one attendance day. */
export async function dayTotals(sql: Sql, date: string): Promise<DayTotals> {
  const [row] = await sql<DayTotals[]>`
    select count(*)::int as records,
      count(*) filter (where is_outlier)::int as outliers,
      count(*) filter (where not coalesce(delivered_revision = revision, false))::int as unsynced
    from attendance_days where date = ${date}::date`;
  return row;
}

/** Punches per hour of the devices' wall clocks on that date; hours without punches are left out. */
export async function punchesPerHour(
  sql: Sql,
  filters: { date: string; deviceId?: number },
): Promise<{ hour: number; punches: number }[]> {
  const where = whereAll(
    sql,
    rawPunchConditions(sql, { startDate: filters.date, endDate: filters.date, deviceId: filters.deviceId }),
  );
  return sql<{ hour: number; punches: number }[]>`
    select extract(hour from p.punched_at_local)::int as hour, count(*)::int as punches
    from raw_punches p ${where}
    group by 1 order by 1`;
}

export interface AttendanceDaySummary {
  date: string;
  present: number;
  absent: number;
  outliers: number;
}

/**
 * Present, absent and outlier counts for each day from `startDate` to `endDate`. Absent counts the
 * employees enrolled now (on the device, when one is given) who have no record that day.
 */
export async function attendanceSummaryByDay(
  sql: Sql,
  range: { startDate: string; endDate: string; deviceId?: number },
): Promise<AttendanceDaySummary[]> {
  const device = range.deviceId;
  const rows = await sql<{ date: string; present: number; outliers: number; unenrolled: number }[]>`
    select g.day::date::text as date, count(a.id)::int as present,
      count(a.id) filter (where a.is_outlier)::int as outliers,
      count(a.id) filter (where not exists (
        select 1 from device_users du where du.user_id = a.user_id
        ${device === undefined ? sql`` : sql`and du.device_id = ${device}`}))::int as unenrolled
    from generate_series(${range.startDate}::date, ${range.endDate}::date, interval '1 day') as g(day)
    left join attendance_days a on a.date = g.day::date
      ${
        device === undefined
          ? sql``
          : sql`and (a.clock_in_device_id = ${device} or a.clock_out_device_id = ${device} or ${device} = any(a.device_ids))`
      }
    group by g.day order by g.day`;
  const [{ enrolled }] = await sql<{ enrolled: number }[]>`
    select count(distinct user_id)::int as enrolled from device_users
    ${device === undefined ? sql`` : sql`where device_id = ${device}`}`;
  return rows.map((row) => ({
    date: row.date,
    present: row.present,
    outliers: row.outliers,
    absent: Math.max(0, enrolled + row.unenrolled - row.present),
  }));
}
