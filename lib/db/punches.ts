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

// 11 columns a row; PostgreSQL takes at most 65,534 parameters a statement.
const ROWS_PER_STATEMENT = 5000;

/**
 * Stores punches that are not stored yet and returns how many were new. Re-reading a device's whole
 * log (which every poll does) inserts nothing twice: the identity constraint decides.
 */
export async function insertPunches(sql: Sql, punches: NewPunch[]): Promise<number> {
  let inserted = 0;
  for (let start = 0; start < punches.length; start += ROWS_PER_STATEMENT) {
    const rows = punches.slice(start, start + ROWS_PER_STATEMENT).map((p) => ({
      device_id: p.deviceId,
      user_id: p.userId,
      punched_at_local: p.punchedAtLocal,
      punched_at: p.punchedAt,
      timezone: p.timezone,
      time_resolution: p.timeResolution,
      verify_type: p.verifyType,
      punch_state: p.punchState,
      source: p.source,
      poll_run_id: p.pollRunId,
      clock_offset_seconds: p.clockOffsetSeconds,
    }));
    const result = await sql`
      insert into raw_punches ${sql(
        rows,
        'device_id',
        'user_id',
        'punched_at_local',
        'punched_at',
        'timezone',
        'time_resolution',
        'verify_type',
        'punch_state',
        'source',
        'poll_run_id',
        'clock_offset_seconds',
      )}
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
