// Daily records for delivery tests, written with SQL the way processing writes them.
import type { Sql } from '../../lib/db/connection.js';

export interface NewDay {
  deviceId: number;
  userId: string;
  /** `YYYY-MM-DD` */
  date: string;
  /** Instants (UTC ISO strings). */
  clockIn: string;
  clockOut?: string | null;
  timezone?: string;
  isOutlier?: boolean;
  outlierReason?: string;
}

/** Inserts daily records (pending, revision 1) and returns their ids in order. */
export async function addDays(sql: Sql, days: NewDay[]): Promise<number[]> {
  const ids: number[] = [];
  // Chunked: a statement holds at most 65,534 parameters.
  for (let start = 0; start < days.length; start += 2000) {
    const rows = days.slice(start, start + 2000).map((day) => {
      const timezone = day.timezone ?? 'Europe/Istanbul';
      return {
        user_id: day.userId,
        date: day.date,
        clock_in: day.clockIn,
        clock_in_local: day.clockIn.slice(0, 19),
        clock_in_timezone: timezone,
        clock_in_device_id: day.deviceId,
        clock_out: day.clockOut ?? null,
        clock_out_local: day.clockOut ? day.clockOut.slice(0, 19) : null,
        clock_out_timezone: day.clockOut ? timezone : null,
        clock_out_device_id: day.clockOut ? day.deviceId : null,
        punch_count: day.clockOut ? 2 : 1,
        device_ids: `{${day.deviceId}}`,
        punch_ids: '{}',
        is_outlier: day.isOutlier ?? false,
        outlier_reason: day.outlierReason ?? '',
        content_key: `${day.userId}/${day.date}/${day.clockIn}/${day.clockOut ?? ''}`,
      };
    });
    const inserted = await sql<{ id: number }[]>`
      insert into attendance_days ${sql(rows)}
      returning id`;
    ids.push(...inserted.map((row) => row.id));
  }
  return ids;
}

/** `count` records for one device: users U0001…, consecutive days from 2025-01-01. */
export function manyDays(deviceId: number, count: number, usersPerDay = 50): NewDay[] {
  return Array.from({ length: count }, (_, i) => {
    const day = new Date(Date.UTC(2025, 0, 1) + Math.floor(i / usersPerDay) * 86_400_000);
    const date = day.toISOString().slice(0, 10);
    return {
      deviceId,
      userId: `U${String(i % usersPerDay).padStart(4, '0')}`,
      date,
      clockIn: `${date}T05:${String(i % 60).padStart(2, '0')}:00Z`,
      clockOut: `${date}T14:30:00Z`,
    };
  });
}

/**
 * What processing does when a record's content changes: a new revision, waiting for delivery with
 * fresh counters. The clock-out moves by `minutes`.
 */
export async function reviseDay(sql: Sql, id: number, minutes = 10): Promise<number> {
  const [row] = await sql<{ revision: number }[]>`
    update attendance_days
    set clock_out = coalesce(clock_out, clock_in) + make_interval(mins => ${minutes}),
        clock_out_local = coalesce(clock_out_local, clock_in_local) + make_interval(mins => ${minutes}),
        clock_out_timezone = clock_in_timezone,
        clock_out_device_id = clock_in_device_id,
        content_key = content_key || '+',
        revision = revision + 1, delivery_status = 'pending', sync_attempts = 0, retry_rounds = 0,
        updated_at = now()
    where id = ${id}
    returning revision`;
  return row.revision;
}

export interface DayState {
  id: number;
  revision: number;
  status: string;
  deliveredRevision: number | null;
  deliveredAt: Date | null;
  syncAttempts: number;
  lastSyncAttempt: Date | null;
  lastSyncError: string | null;
  retryRounds: number;
  leaseOwner: string | null;
}

export async function dayState(sql: Sql, id: number): Promise<DayState> {
  const [row] = await sql<DayState[]>`
    select id, revision, delivery_status as status, delivered_revision as "deliveredRevision",
      delivered_at as "deliveredAt", sync_attempts as "syncAttempts", last_sync_attempt as "lastSyncAttempt",
      last_sync_error as "lastSyncError", retry_rounds as "retryRounds", delivery_lease_owner as "leaseOwner"
    from attendance_days where id = ${id}`;
  return row;
}
