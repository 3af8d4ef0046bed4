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
  },
): Promise<void> {
  await sql`
    update poll_runs set
      finished_at = now(), status = ${outcome.status}, fetched = ${outcome.fetched ?? 0},
      inserted = ${outcome.inserted ?? 0}, records_on_device = ${outcome.recordsOnDevice ?? null},
      clock_offset_seconds = ${outcome.clockOffsetSeconds ?? null}, log_cleared = ${outcome.logCleared ?? false},
      error = ${outcome.error ?? null}
    where id = ${id}`;
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
