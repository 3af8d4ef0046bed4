import type { TransactionSql } from 'postgres';
import type { LogMark } from '../devices/logResume.js';
import type { Sql } from './connection.js';

/** Where the device's log stood at its last stored poll (see lib/devices/logResume.ts). */
export async function findLogMark(sql: Sql, deviceId: number): Promise<LogMark | null> {
  const [row] = await sql<LogMark[]>`
    select record_count as "recordCount", record_size as "recordSize", prefix_sha256 as "prefixSha256"
    from device_log_marks where device_id = ${deviceId}`;
  return row ?? null;
}

/** Saved in the transaction that stored the punches, so the mark never runs ahead of them. */
export async function saveLogMark(
  tx: Sql | TransactionSql,
  deviceId: number,
  mark: LogMark,
  pollRunId: number | null,
): Promise<void> {
  await tx`
    insert into device_log_marks (device_id, record_count, record_size, prefix_sha256, poll_run_id, updated_at)
    values (${deviceId}, ${mark.recordCount}, ${mark.recordSize}, ${mark.prefixSha256}, ${pollRunId}, now())
    on conflict (device_id) do update set
      record_count = excluded.record_count, record_size = excluded.record_size,
      prefix_sha256 = excluded.prefix_sha256, poll_run_id = excluded.poll_run_id, updated_at = now()`;
}

/** The next poll stores the whole log again (after a clear, or when the stored punches changed). */
export async function forgetLogMark(sql: Sql, deviceId: number): Promise<void> {
  await sql`delete from device_log_marks where device_id = ${deviceId}`;
}
