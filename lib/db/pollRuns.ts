import type { TransactionSql } from 'postgres';
import type { Sql } from './connection.js';

export async function startPollRun(
  sql: Sql,
  run: { deviceId: number; workflowId: string | null; attempt: number },
): Promise<number> {
  const [row] = await sql<{ id: number }[]>`
    insert into poll_runs (device_id, workflow_id, attempt)
    values (${run.deviceId}, ${run.workflowId}, ${run.attempt})
    returning id`;
  return row.id;
}

export async function finishPollRun(
  sql: Sql,
  id: number,
  outcome: {
    status: 'succeeded' | 'failed';
    fetched?: number;
    inserted?: number;
    recordsOnDevice?: number | null;
    clockOffsetSeconds?: number | null;
    logCleared?: boolean;
    error?: string | null;
    /** The attempt ended with the terminal enabled (its reads re-enabled it). */
    deviceEnabled?: boolean;
  },
): Promise<void> {
  // Counts left out keep what `recordStoredPunches` credited: a failure after the store keeps them.
  await sql`
    update poll_runs set
      finished_at = now(), status = ${outcome.status}, fetched = coalesce(${outcome.fetched ?? null}::int, fetched),
      inserted = coalesce(${outcome.inserted ?? null}::int, inserted),
      records_on_device = ${outcome.recordsOnDevice ?? null},
      clock_offset_seconds = ${outcome.clockOffsetSeconds ?? null}, log_cleared = ${outcome.logCleared ?? false},
      error = ${outcome.error ?? null},
      device_enabled_at = case when ${outcome.deviceEnabled ?? false} then now() else device_enabled_at end
    where id = ${id}`;
}

/** Stored punches credited to the attempt, in the transaction that stored them. */
export async function recordStoredPunches(
  tx: Sql | TransactionSql,
  id: number,
  stored: { fetched: number; inserted: number; storedFrom: number },
): Promise<void> {
  await tx`
    update poll_runs set fetched = ${stored.fetched}, inserted = ${stored.inserted}, stored_from = ${stored.storedFrom}
    where id = ${id}`;
}

/** The attempt is about to talk to the terminal, and may disable it. */
export async function markSessionOpened(sql: Sql, id: number): Promise<void> {
  await sql`update poll_runs set session_opened_at = now() where id = ${id}`;
}

export async function markDeviceEnabled(sql: Sql, id: number): Promise<void> {
  await sql`update poll_runs set device_enabled_at = now(), enable_error = null where id = ${id}`;
}

export async function markEnableFailed(sql: Sql, id: number, error: string): Promise<void> {
  await sql`update poll_runs set enable_error = ${error} where id = ${id}`;
}

/**
 * The device's latest attempt that opened a session, when it never saw the terminal enabled again:
 * that attempt may have left it disabled. Attempts after `beforeId` are not looked at.
 */
export async function attemptThatMayHaveLeftDeviceDisabled(
  sql: Sql,
  deviceId: number,
  beforeId?: number,
): Promise<{ id: number; attempt: number } | null> {
  const [row] = await sql<{ id: number; attempt: number; enabled: boolean }[]>`
    select id, attempt, device_enabled_at is not null as enabled from poll_runs
    where device_id = ${deviceId} and session_opened_at is not null
      ${beforeId === undefined ? sql`` : sql`and id < ${beforeId}`}
    order by id desc limit 1`;
  return row && !row.enabled ? { id: row.id, attempt: row.attempt } : null;
}

export interface AbandonedPollRun {
  id: number;
  deviceId: number;
  attempt: number;
  inserted: number;
}

/** Why an attempt still 'running' when another starts (or long after it could have ended) is closed. */
export const ABANDONED_ERROR =
  'abandoned: the attempt stopped before it finished (its worker was stopped or lost the database)';

/**
 * Closes as failed the attempts that can no longer be running: on `deviceId`, every one started
 * before `beforeId` (one poll of a device runs at a time, so those are dead), or every one once the
 * poll has given up; or, with
 * `startedBefore`, every one on any device started before then. Each keeps the punches it stored,
 * counted from the punches themselves.
 */
export async function abandonUnfinishedPollRuns(
  sql: Sql,
  scope: { deviceId: number; beforeId?: number } | { startedBefore: Date },
): Promise<AbandonedPollRun[]> {
  const where =
    'deviceId' in scope
      ? sql`device_id = ${scope.deviceId} ${scope.beforeId === undefined ? sql`` : sql`and id < ${scope.beforeId}`}`
      : sql`started_at < ${scope.startedBefore}`;
  return sql<AbandonedPollRun[]>`
    update poll_runs r set
      status = 'failed', finished_at = now(), error = ${ABANDONED_ERROR},
      inserted = greatest(r.inserted, (select count(*)::int from raw_punches p where p.poll_run_id = r.id))
    where r.status = 'running' and ${where}
    returning r.id, r.device_id as "deviceId", r.attempt, r.inserted`;
}

/** What a later attempt writes for an earlier one that left no row of its own. */
export const UNRECORDED_ERROR =
  'failed before it could record itself (the database was unreachable, or its worker stopped); recorded by a later attempt';

/**
 * An attempt that fails before its first write (the database down) leaves no row; the first later
 * attempt of the same activity that reaches the database writes one, failed, for each. Rows of this
 * activity are those of its workflow started since its first attempt was scheduled (less a second
 * for the Temporal server's and PostgreSQL's clocks), which tells them from an earlier run of the same
 * workflow id. Returns the attempts written.
 */
export async function recordUnrecordedAttempts(
  sql: Sql,
  run: { deviceId: number; workflowId: string; attempt: number; firstScheduledAt: Date },
): Promise<number[]> {
  if (run.attempt <= 1) return [];
  const since = new Date(run.firstScheduledAt.getTime() - 1000);
  const ofThisActivity = sql`
    r.device_id = ${run.deviceId} and r.workflow_id = ${run.workflowId} and r.started_at >= ${since}`;
  // Each starts after the attempts before it that did write (or at the first schedule): the log
  // reads in the order the attempts ran.
  const rows = await sql<{ attempt: number }[]>`
    insert into poll_runs (device_id, workflow_id, attempt, started_at, finished_at, status, error)
    select ${run.deviceId}, ${run.workflowId}, a,
      coalesce((select max(r.started_at) from poll_runs r where ${ofThisActivity} and r.attempt < a),
               ${run.firstScheduledAt}),
      now(), 'failed', ${UNRECORDED_ERROR}
    from generate_series(1, ${run.attempt - 1}::int) a
    where not exists (select 1 from poll_runs r where ${ofThisActivity} and r.attempt = a)
    order by a
    returning attempt`;
  return rows.map((r) => r.attempt);
}

export interface PollRunRow {
  id: number;
  deviceId: number;
  workflowId: string | null;
  attempt: number;
  startedAt: Date;
  finishedAt: Date | null;
  status: 'running' | 'succeeded' | 'failed';
  fetched: number;
  inserted: number;
  recordsOnDevice: number | null;
  error: string | null;
}

export async function listPollRuns(sql: Sql, deviceId: number, limit = 50): Promise<PollRunRow[]> {
  return sql<PollRunRow[]>`
    select id, device_id as "deviceId", workflow_id as "workflowId", attempt, started_at as "startedAt",
           finished_at as "finishedAt", status, fetched, inserted, records_on_device as "recordsOnDevice", error
    from poll_runs where device_id = ${deviceId}
    order by started_at desc, id desc limit ${limit}`;
}
