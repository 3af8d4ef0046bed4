import type { Sql } from './connection.js';

export const pushCommandStatuses = ['queued', 'sent', 'expired', 'done'] as const;
export type PushCommandStatus = (typeof pushCommandStatuses)[number];

export interface PushCommandRow {
  id: number;
  deviceId: number;
  command: string;
  /**
   * `expired`: sent, and no result came within the timeout given to the list. Not a stored state: a
   * result that arrives later still makes it `done`.
   */
  status: PushCommandStatus;
  createdAt: Date;
  sentAt: Date | null;
  completedAt: Date | null;
  returnCode: number | null;
  result: string | null;
}

/** The row as `PushCommandRow`; `sent` older than `timeoutMinutes` reads as `expired`. */
const columns = (sql: Sql, timeoutMinutes: number) => sql`
  id, device_id as "deviceId", command,
  case when status = 'sent' and sent_at < now() - make_interval(mins => ${timeoutMinutes}) then 'expired'
       else status end as status,
  created_at as "createdAt", sent_at as "sentAt", completed_at as "completedAt",
  return_code as "returnCode", result`;

/** A command just queued is not sent, so no timeout applies to it. */
const NOT_SENT_YET = 0;

export async function queueCommand(sql: Sql, deviceId: number, command: string): Promise<PushCommandRow> {
  const [row] = await sql<PushCommandRow[]>`
    insert into push_commands (device_id, command) values (${deviceId}, ${command})
    returning ${columns(sql, NOT_SENT_YET)}`;
  return row;
}

/**
 * Hands the oldest queued commands to the device that asked, marking them sent in the same statement,
 * so two overlapping getrequests never deliver one command twice.
 */
export async function takeQueuedCommands(
  sql: Sql,
  deviceId: number,
  limit: number,
): Promise<{ id: number; command: string }[]> {
  return sql<{ id: number; command: string }[]>`
    update push_commands set status = 'sent', sent_at = now()
    where id in (
      select id from push_commands where device_id = ${deviceId} and status = 'queued'
      order by id limit ${limit} for update skip locked)
    returning id, command`.then((rows) => [...rows].sort((a, b) => a.id - b.id));
}

/**
 * A result from devicecmd; ids of other devices or unknown ones change nothing (returns false). A
 * command shown as expired takes its late result too: what the device did is worth keeping.
 */
export async function completeCommand(
  sql: Sql,
  deviceId: number,
  result: { id: number; returnCode: number; detail: string },
): Promise<boolean> {
  const updated = await sql`
    update push_commands set status = 'done', completed_at = now(), return_code = ${result.returnCode},
      result = ${result.detail === '' ? null : result.detail.slice(0, 10_000)}
    where id = ${result.id} and device_id = ${deviceId}`;
  return updated.count > 0;
}

/** The device's commands, newest first; one sent more than `timeoutMinutes` ago unanswered is `expired`. */
export async function listCommands(
  sql: Sql,
  deviceId: number,
  options: { limit: number; timeoutMinutes: number },
): Promise<PushCommandRow[]> {
  return sql<PushCommandRow[]>`
    select ${columns(sql, options.timeoutMinutes)} from push_commands where device_id = ${deviceId}
    order by id desc limit ${options.limit}`;
}
