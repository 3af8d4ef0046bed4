import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { TransactionSql } from 'postgres';
import type { OrderTerm } from '../lists/ordering.js';
import type { Queryable, Sql } from './connection.js';
import { employeeMatches } from './deviceUsers.js';
import { type Fragment, type Listed, listPage, type Window } from './listing.js';

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
  source: 'poll' | 'import' | 'event' | 'push';
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

/** Punches stored and not processed yet: how many, and when the oldest of them was stored. */
export interface UnprocessedBacklog {
  count: number;
  oldestStoredAt: Date | null;
  /** Seconds since then by the database clock; null when none waits. */
  ageSeconds: number | null;
}

/** Read through the partial index on unprocessed punches; /metrics and `status` show the same figures. */
export async function unprocessedBacklog(sql: Queryable): Promise<UnprocessedBacklog> {
  const [row] = await sql<UnprocessedBacklog[]>`
    select count(*)::int as count, min(created_at) as "oldestStoredAt",
      greatest(0, extract(epoch from now() - min(created_at)))::float8 as "ageSeconds"
    from raw_punches where processed_at is null`;
  return row;
}

// The API's list of stored punches, each with its device's name.

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
  /** The employee id exactly, or part of a name a device knows them by (any case). */
  employee?: string;
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

export function rawPunchConditions(sql: Sql, filters: RawPunchFilters): Fragment[] {
  const conditions: Fragment[] = [];
  if (filters.userId !== undefined) conditions.push(sql`p.user_id = ${filters.userId}`);
  if (filters.deviceId !== undefined) conditions.push(sql`p.device_id = ${filters.deviceId}`);
  if (filters.employee !== undefined) conditions.push(employeeMatches(sql, sql`p.user_id`, filters.employee));
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
  return listPage<RawPunchRow, RawPunchOrderField>(sql, {
    from: sql`raw_punches p`,
    join: sql`join devices d on d.id = p.device_id`,
    columns: rawPunchColumns(sql),
    conditions: rawPunchConditions(sql, options.filters),
    order: options.order,
    orderColumns: columns,
    id: sql`p.id`,
    window: options.window,
  });
}

export async function findRawPunch(sql: Sql, id: number): Promise<RawPunchRow | null> {
  const [row] = await sql<RawPunchRow[]>`
    select ${rawPunchColumns(sql)}
    from raw_punches p join devices d on d.id = p.device_id
    where p.id = ${id}`;
  return row ?? null;
}

const PUNCH_COLUMNS = [
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
] as const;

/** Rows per write to the COPY stream: big enough to keep the socket busy, small enough to stay cheap. */
const COPY_ROWS_PER_CHUNK = 2000;

/**
 * `insertPunches` for whole device logs: the punches go to a staging table through COPY (no
 * parameters to serialise, one round trip), then one insert-select keeps those not stored yet.
 * Must run inside a transaction: the staging table lives until its commit.
 */
export async function insertPunchesByCopy(tx: Sql | TransactionSql, punches: NewPunch[]): Promise<number> {
  if (punches.length === 0) return 0;
  const columns = tx([...PUNCH_COLUMNS]);
  await tx`
    create temporary table punch_staging (
      device_id integer, user_id text, punched_at_local timestamp, punched_at timestamptz,
      timezone text, time_resolution text, verify_type smallint, punch_state smallint, source text,
      poll_run_id bigint, clock_offset_seconds integer
    ) on commit drop`;
  const stream = await tx`copy punch_staging (${columns}) from stdin`.writable();
  await pipeline(Readable.from(copyText(punches)), stream);
  const result = await tx`
    insert into raw_punches (${columns})
    select ${columns} from punch_staging
    on conflict on constraint raw_punches_identity do nothing`;
  await tx`drop table punch_staging`;
  return result.count;
}

function* copyText(punches: NewPunch[]): Generator<string> {
  for (let start = 0; start < punches.length; start += COPY_ROWS_PER_CHUNK) {
    let chunk = '';
    for (const p of punches.slice(start, start + COPY_ROWS_PER_CHUNK)) {
      chunk += `${p.deviceId}\t${copyField(p.userId)}\t${p.punchedAtLocal}\t${p.punchedAt.toISOString()}\t`;
      chunk += `${copyField(p.timezone)}\t${copyField(p.timeResolution)}\t${p.verifyType}\t${p.punchState}\t`;
      chunk += `${p.source}\t${p.pollRunId ?? '\\N'}\t${p.clockOffsetSeconds ?? '\\N'}\n`;
    }
    yield chunk;
  }
}

/** COPY's text format: backslash, tab, newline and carriage return are the characters it reads specially. */
export function copyField(value: string): string {
  return /[\\\t\n\r]/.test(value)
    ? value.replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c] ?? c)
    : value;
}
