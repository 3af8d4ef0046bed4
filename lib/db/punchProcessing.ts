/**
 * Queries of the processing step on raw_punches: a batch taken and locked, the punches of a user's
 * wall-clock windows read, the batch marked processed, and the per-user lock that serialises
 * rebuilding a day. Most run inside the caller's transaction.
 */
import type { PunchInput } from '../attendance/index.js';
import type { Queryable } from './connection.js';

/** A (user, attendance day) pair and the device wall clocks that can belong to it. */
export interface PunchWindow {
  userId: string;
  fromLocal: string;
  toLocal: string;
}

/** A punch as the columns below read it: the bigint id as a number, which processing names as text. */
type PunchRow = Omit<PunchInput, 'id'> & { id: number };

// The wall clock comes back as text: a `timestamp` parsed into a JS Date would take the process's zone.
const punchColumns = (sql: Queryable) => sql`
  p.id, p.user_id as "userId", p.device_id as "deviceId",
  to_char(p.punched_at_local, 'YYYY-MM-DD"T"HH24:MI:SS') as "wallClock",
  p.punched_at as instant, p.timezone, p.punch_state as state, p.verify_type as "verifyType",
  p.clock_offset_seconds as "clockOffsetSeconds"`;

function toPunchInput(row: PunchRow): PunchInput {
  return { ...row, id: String(row.id) };
}

/**
 * Takes up to `limit` punches not processed yet, oldest id first, and locks them for this
 * transaction. Punches another transaction holds are skipped, so two runs never take the same ones.
 */
export async function takeUnprocessedPunches(tx: Queryable, limit: number): Promise<PunchInput[]> {
  const rows = await tx<PunchRow[]>`
    select ${punchColumns(tx)} from raw_punches p
    where p.processed_at is null
    order by p.id
    limit ${limit}
    for update skip locked`;
  return rows.map(toPunchInput);
}

// Advisory lock space of processing (the migration runner uses the one-key form).
const PROCESSING_LOCK_CLASS = 4_370_002;
// Users hash into this many locks, so a transaction holds at most this many, whatever the batch.
const PROCESSING_LOCK_BUCKETS = 1024;

/**
 * Serialises rebuilding the days of these users with any other transaction rebuilding them, until
 * commit. Whoever writes a day last has then read every punch committed before it: two runs that
 * each took one punch of the same day cannot overwrite each other with half the day. Locks are taken
 * in one order, so runs wait for each other but never deadlock.
 */
export async function lockUsersForProcessing(tx: Queryable, userIds: readonly string[]): Promise<void> {
  if (userIds.length === 0) return;
  await tx`
    select pg_advisory_xact_lock(${PROCESSING_LOCK_CLASS}, bucket)
    from (
      select distinct (hashtext(u) & ${PROCESSING_LOCK_BUCKETS - 1}) as bucket
      from unnest(${userIds as string[]}::text[]) as u
      order by bucket
    ) as buckets`;
}

/**
 * Every stored punch of each user whose wall clock is in that user's window, processed or not.
 *
 * One index range scan per window. `offset 0` keeps the planner from flattening the lateral
 * subquery into a plain join, which it would hash against the whole table once there are a few
 * hundred windows (it cannot tell how narrow they are): a read of every punch for each batch.
 */
export async function loadPunchesInWindows(
  tx: Queryable,
  windows: readonly PunchWindow[],
): Promise<PunchInput[]> {
  if (windows.length === 0) return [];
  const rows = await tx<PunchRow[]>`
    select p.*
    from unnest(
      ${windows.map((w) => w.userId)}::text[],
      ${windows.map((w) => w.fromLocal)}::timestamp[],
      ${windows.map((w) => w.toLocal)}::timestamp[]
    ) as w(user_id, from_local, to_local)
    cross join lateral (
      select ${punchColumns(tx)} from raw_punches p
      where p.user_id = w.user_id and p.punched_at_local >= w.from_local and p.punched_at_local < w.to_local
      offset 0
    ) as p`;
  return rows.map(toPunchInput);
}

/**
 * Every user with a stored punch, in order. A loose scan of the user index: one short descent per
 * user, not a read of every punch.
 */
export async function listPunchingUsers(sql: Queryable): Promise<string[]> {
  const rows = await sql<{ userId: string }[]>`
    with recursive users (user_id) as (
      (select user_id from raw_punches order by user_id limit 1)
      union all
      select (select p.user_id from raw_punches p where p.user_id > u.user_id order by p.user_id limit 1)
      from users u where u.user_id is not null
    )
    select user_id as "userId" from users where user_id is not null`;
  return rows.map((row) => row.userId);
}

/** Which of these users have a stored punch whose wall clock is in [fromLocal, toLocal). */
export async function usersWithPunchesBetween(
  sql: Queryable,
  range: { fromLocal: string; toLocal: string; userIds: readonly string[] },
): Promise<string[]> {
  if (range.userIds.length === 0) return [];
  // One index probe per user (see loadPunchesInWindows for why lateral).
  const rows = await sql<{ userId: string }[]>`
    select u as "userId" from unnest(${range.userIds as string[]}::text[]) as u
    cross join lateral (
      select 1 from raw_punches p
      where p.user_id = u and p.punched_at_local >= ${range.fromLocal}::timestamp
        and p.punched_at_local < ${range.toLocal}::timestamp
      limit 1
    ) as found
    order by 1`;
  return rows.map((row) => row.userId);
}

/**
 * The earliest and latest wall clock among these users' stored punches, within optional bounds;
 * null when there are none. Two index probes per user.
 */
export async function punchWallClockSpan(
  sql: Queryable,
  range: { fromLocal: string | null; toLocal: string | null; userIds: readonly string[] },
): Promise<{ first: string; last: string } | null> {
  if (range.userIds.length === 0) return null;
  const bounds = () => sql`
    ${range.fromLocal ? sql`and punched_at_local >= ${range.fromLocal}::timestamp` : sql``}
    ${range.toLocal ? sql`and punched_at_local < ${range.toLocal}::timestamp` : sql``}`;
  const [row] = await sql<{ first: string | null; last: string | null }[]>`
    select to_char(min(s.first), 'YYYY-MM-DD"T"HH24:MI:SS') as first,
           to_char(max(s.last), 'YYYY-MM-DD"T"HH24:MI:SS') as last
    from unnest(${range.userIds as string[]}::text[]) as u,
    lateral (
      select (select min(punched_at_local) from raw_punches where user_id = u ${bounds()}) as first,
             (select max(punched_at_local) from raw_punches where user_id = u ${bounds()}) as last
    ) as s`;
  return row.first && row.last ? { first: row.first, last: row.last } : null;
}

export async function markPunchesProcessed(tx: Queryable, punchIds: readonly string[]): Promise<number> {
  if (punchIds.length === 0) return 0;
  const result = await tx`
    update raw_punches set processed_at = now()
    where id = any(${punchIds as string[]}::bigint[]) and processed_at is null`;
  return result.count;
}
