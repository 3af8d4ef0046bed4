/**
 * Daily records (`attendance_days`): the writes of processing, which run inside the caller's
 * transaction so a batch is taken, rebuilt and marked processed atomically (with
 * lib/db/punchProcessing.ts). The API's list: lib/db/attendanceDayList.ts; delivery state: lib/db/deliveries.ts.
 */
import type postgres from 'postgres';
import type { AttendanceDay } from '../attendance/index.js';
import type { Queryable } from './connection.js';

/** What processing needs to know about a stored record before rewriting it. */
export interface StoredDayState {
  userId: string;
  date: string;
  contentKey: string;
  /** Raw punch ids the stored revision was built from, as decimal strings. */
  punchIds: string[];
}

/**
 * One daily record's content, as written: the attendance day with its two ends spread over columns.
 * Revision and delivery state are managed by the queries.
 */
export interface AttendanceDayRecord
  extends Pick<
    AttendanceDay,
    'userId' | 'date' | 'punchCount' | 'deviceIds' | 'punchIds' | 'isOutlier' | 'outlierReason' | 'flags'
  > {
  clockIn: Date;
  clockInLocal: string;
  clockInTimezone: string;
  clockInDeviceId: number;
  clockOut: Date | null;
  clockOutLocal: string | null;
  clockOutTimezone: string | null;
  clockOutDeviceId: number | null;
  contentKey: string;
}

/** The stored records of these (user, day) pairs; pairs without a record are simply absent. */
export async function findDayStates(
  tx: Queryable,
  pairs: readonly { userId: string; date: string }[],
): Promise<StoredDayState[]> {
  if (pairs.length === 0) return [];
  // One identity-index probe per pair (see loadPunchesInWindows for why lateral).
  return tx<StoredDayState[]>`
    select a.*
    from unnest(${pairs.map((p) => p.userId)}::text[], ${pairs.map((p) => p.date)}::date[]) as w(user_id, date)
    cross join lateral (
      select a.user_id as "userId", to_char(a.date, 'YYYY-MM-DD') as date, a.content_key as "contentKey",
             a.punch_ids::text[] as "punchIds"
      from attendance_days a where a.user_id = w.user_id and a.date = w.date
      offset 0
    ) as a`;
}

// The records travel as one JSON parameter: no limit on rows, one statement per batch.
const recordShape = (sql: Queryable, records: readonly AttendanceDayRecord[]) => sql`
  jsonb_to_recordset(${sql.json(records as unknown as postgres.JSONValue)}) as r(
    "userId" text, date date, "clockIn" timestamptz, "clockInLocal" timestamp, "clockInTimezone" text,
    "clockInDeviceId" integer, "clockOut" timestamptz, "clockOutLocal" timestamp, "clockOutTimezone" text,
    "clockOutDeviceId" integer, "punchCount" integer, "deviceIds" integer[], "punchIds" bigint[],
    "isOutlier" boolean, "outlierReason" text, flags text[], "contentKey" text)`;

/**
 * Stores new records at revision 1, delivery pending. A record that already exists is an error:
 * the caller holds the users' processing locks and has just seen the pair without one.
 */
export async function insertAttendanceDays(
  tx: Queryable,
  records: readonly AttendanceDayRecord[],
): Promise<number> {
  if (records.length === 0) return 0;
  const result = await tx`
    insert into attendance_days (
      user_id, date, clock_in, clock_in_local, clock_in_timezone, clock_in_device_id,
      clock_out, clock_out_local, clock_out_timezone, clock_out_device_id,
      punch_count, device_ids, punch_ids, is_outlier, outlier_reason, flags, content_key)
    select "userId", date, "clockIn", "clockInLocal", "clockInTimezone", "clockInDeviceId",
           "clockOut", "clockOutLocal", "clockOutTimezone", "clockOutDeviceId",
           "punchCount", "deviceIds", "punchIds", "isOutlier", "outlierReason", flags, "contentKey"
    from ${recordShape(tx, records)}`;
  return result.count;
}

/**
 * Rewrites records whose content changed: the next revision, to be delivered again. The CRM has not
 * seen it, so the delivery state starts over; `delivered_revision` and `delivered_at` stay, saying
 * what the CRM holds until the new revision arrives. A record whose content key already matches is
 * left alone, so a repeated call writes nothing.
 */
export async function reviseAttendanceDays(
  tx: Queryable,
  records: readonly AttendanceDayRecord[],
): Promise<number> {
  if (records.length === 0) return 0;
  const result = await tx`
    update attendance_days a set
      clock_in = r."clockIn", clock_in_local = r."clockInLocal", clock_in_timezone = r."clockInTimezone",
      clock_in_device_id = r."clockInDeviceId", clock_out = r."clockOut", clock_out_local = r."clockOutLocal",
      clock_out_timezone = r."clockOutTimezone", clock_out_device_id = r."clockOutDeviceId",
      punch_count = r."punchCount", device_ids = r."deviceIds", punch_ids = r."punchIds",
      is_outlier = r."isOutlier", outlier_reason = r."outlierReason", flags = r.flags,
      content_key = r."contentKey",
      revision = a.revision + 1,
      delivery_status = 'pending', sync_attempts = 0, retry_rounds = 0, last_sync_error = null,
      updated_at = now()
    from ${recordShape(tx, records)}
    where a.user_id = r."userId" and a.date = r.date and a.content_key <> r."contentKey"`;
  return result.count;
}
