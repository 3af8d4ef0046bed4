import type { Sql } from './connection.js';

export interface NewPunch {
  deviceId: number;
  userId: string;
  /** Device wall-clock time 'YYYY-MM-DDTHH:MM:SS', as reported. */
  punchedAtLocal: string;
  punchedAt: Date;
  timezone: string;
  timeResolution: string;
  verifyType: number;
  punchState: number;
  source: 'poll' | 'import' | 'event';
  pollRunId: number | null;
  clockOffsetSeconds: number | null;
}

// One array parameter per column: a statement's size no longer grows with its rows' parameters.
const ROWS_PER_STATEMENT = 20_000;

/**
 * Stores punches that are not stored yet and returns how many were new. Re-reading a device's whole
 * log (which every poll does) inserts nothing twice: the identity constraint decides.
 */
export async function insertPunches(sql: Sql, punches: NewPunch[]): Promise<number> {
  let inserted = 0;
  for (let start = 0; start < punches.length; start += ROWS_PER_STATEMENT) {
    const rows = punches.slice(start, start + ROWS_PER_STATEMENT);
    const column = <T>(pick: (p: NewPunch) => T) => rows.map(pick);
    const result = await sql`
      insert into raw_punches (
        device_id, user_id, punched_at_local, punched_at, timezone, time_resolution,
        verify_type, punch_state, source, poll_run_id, clock_offset_seconds)
      select * from unnest(
        ${column((p) => p.deviceId)}::integer[],
        ${column((p) => p.userId)}::text[],
        ${column((p) => p.punchedAtLocal)}::timestamp[],
        ${column((p) => p.punchedAt.toISOString())}::timestamptz[],
        ${column((p) => p.timezone)}::text[],
        ${column((p) => p.timeResolution)}::text[],
        ${column((p) => p.verifyType)}::smallint[],
        ${column((p) => p.punchState)}::smallint[],
        ${column((p) => p.source)}::text[],
        ${column((p) => p.pollRunId)}::bigint[],
        ${column((p) => p.clockOffsetSeconds)}::integer[])
      on conflict on constraint raw_punches_identity do nothing`;
    inserted += result.count;
  }
  return inserted;
}

export async function countPunches(sql: Sql, deviceId?: number): Promise<number> {
  const [row] = await sql<{ count: number }[]>`
    select count(*)::int as count from raw_punches ${deviceId === undefined ? sql`` : sql`where device_id = ${deviceId}`}`;
  return row.count;
}

/** Punches stored but not yet turned into daily records (the status command and the console). */
export async function unprocessedPunches(
  sql: Sql,
): Promise<{ unprocessedPunches: number; oldestUnprocessedAt: Date | null }> {
  const [row] = await sql<{ unprocessedPunches: number; oldestUnprocessedAt: Date | null }[]>`
    select count(*)::int as "unprocessedPunches", min(created_at) as "oldestUnprocessedAt"
    from raw_punches where processed_at is null`;
  return row;
}
