import { rulesConfigFromConfig } from '../../lib/attendance/fromConfig.js';
import type { RulesConfig } from '../../lib/attendance/index.js';
import { parseConfig } from '../../lib/config.js';
import type { AttendanceDayRecord } from '../../lib/db/attendanceDays.js';
import type { Sql } from '../../lib/db/connection.js';
import { createLogger, type Logger } from '../../lib/logger.js';

/** The rules from settings, as the worker builds them. */
export function rulesFromSettings(settings: Record<string, string> = {}): RulesConfig {
  return rulesConfigFromConfig(parseConfig(settings));
}

/** A logger that keeps every warning, so a test can see what an operator would read. */
export function recordingLogger(): { logger: Logger; messages: () => string[] } {
  const lines: string[] = [];
  const logger = createLogger('warn', { write: (line: string) => void lines.push(line) });
  return { logger, messages: () => lines.map((line) => JSON.parse(line).msg as string) };
}

/** A daily record as stored: what processing wrote, its revision and its delivery state. */
export interface StoredDay extends AttendanceDayRecord {
  revision: number;
  deliveryStatus: string;
  deliveredRevision: number | null;
  syncAttempts: number;
  retryRounds: number;
  lastSyncError: string | null;
  updatedAt: Date;
  /** Changes on every write of the row, even one that stores the same values. */
  rowVersion: string;
}

export async function storedDays(sql: Sql): Promise<StoredDay[]> {
  return sql<StoredDay[]>`
    select user_id as "userId", to_char(date, 'YYYY-MM-DD') as date,
           clock_in as "clockIn", to_char(clock_in_local, 'YYYY-MM-DD"T"HH24:MI:SS') as "clockInLocal",
           clock_in_timezone as "clockInTimezone", clock_in_device_id as "clockInDeviceId",
           clock_out as "clockOut", to_char(clock_out_local, 'YYYY-MM-DD"T"HH24:MI:SS') as "clockOutLocal",
           clock_out_timezone as "clockOutTimezone", clock_out_device_id as "clockOutDeviceId",
           punch_count as "punchCount", device_ids as "deviceIds", punch_ids::text[] as "punchIds",
           is_outlier as "isOutlier", outlier_reason as "outlierReason", flags, content_key as "contentKey",
           revision, delivery_status as "deliveryStatus", delivered_revision as "deliveredRevision",
           sync_attempts as "syncAttempts", retry_rounds as "retryRounds", last_sync_error as "lastSyncError",
           updated_at as "updatedAt", xmin::text as "rowVersion"
    from attendance_days order by user_id, date`;
}

export async function storedDay(sql: Sql, userId: string, date: string): Promise<StoredDay> {
  const day = (await storedDays(sql)).find((d) => d.userId === userId && d.date === date);
  if (!day) throw new Error(`no record for user ${userId} on ${date}`);
  return day;
}

/** What the CRM sync does after a 200: the current revision is delivered. */
export async function markAllDelivered(sql: Sql): Promise<void> {
  await sql`
    update attendance_days set delivery_status = 'delivered', delivered_revision = revision,
      delivered_at = now(), sync_attempts = 1, last_sync_attempt = now()`;
}

export async function unprocessedCount(sql: Sql): Promise<number> {
  const [row] = await sql<{ count: number }[]>`
    select count(*)::int as count from raw_punches where processed_at is null`;
  return row.count;
}

/** Empties punches and records between tests; devices stay. */
export async function clearAttendance(sql: Sql): Promise<void> {
  await sql`truncate attendance_days, raw_punches cascade`;
}
