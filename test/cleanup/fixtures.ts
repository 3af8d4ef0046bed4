import { rulesConfigFromConfig } from '../../lib/attendance/fromConfig.js';
import { parseConfig } from '../../lib/config.js';
import type { Sql } from '../../lib/db/connection.js';
import { type ProcessingCounts, processPendingPunches } from '../../lib/processing/index.js';
import { silentLogger } from '../support/logging.js';

const rules = rulesConfigFromConfig(parseConfig({}));

/** Runs the real processing step over every unprocessed punch. */
export async function processAll(sql: Sql): Promise<ProcessingCounts> {
  return processPendingPunches(sql, rules, { batchSize: 1000, logger: silentLogger });
}

/** Delivery states as the sync and the API leave them. */
export type DeliveryState = 'delivered' | 'failed' | 'rejected' | 'resend';

export async function setDelivery(
  sql: Sql,
  userId: string,
  date: string,
  state: DeliveryState,
): Promise<void> {
  const result = await sql`
    update attendance_days set
      delivery_status = ${state === 'resend' ? 'pending' : state},
      delivered_revision = ${state === 'delivered' || state === 'resend' ? sql`revision` : sql`delivered_revision`},
      delivered_at = ${state === 'delivered' || state === 'resend' ? sql`now()` : sql`delivered_at`}
    where user_id = ${userId} and date = ${date}::date`;
  if (result.count !== 1) throw new Error(`no record for user ${userId} on ${date}`);
}

export interface DayRow {
  revision: number;
  deliveryStatus: string;
  deliveredRevision: number | null;
  clockInLocal: string;
  clockOutLocal: string | null;
  punchIds: number[];
}

export async function dayOf(sql: Sql, userId: string, date: string): Promise<DayRow> {
  const [row] = await sql<DayRow[]>`
    select revision, delivery_status as "deliveryStatus", delivered_revision as "deliveredRevision",
      to_char(clock_in_local, 'YYYY-MM-DD"T"HH24:MI:SS') as "clockInLocal",
      to_char(clock_out_local, 'YYYY-MM-DD"T"HH24:MI:SS') as "clockOutLocal",
      punch_ids as "punchIds"
    from attendance_days where user_id = ${userId} and date = ${date}::date`;
  if (!row) throw new Error(`no record for user ${userId} on ${date}`);
  return row;
}

/** The users whose punches are still stored, each with how many. */
export async function storedPunchesByUser(sql: Sql): Promise<Record<string, number>> {
  const rows = await sql<{ userId: string; count: number }[]>`
    select user_id as "userId", count(*)::int as count from raw_punches group by user_id order by user_id`;
  return Object.fromEntries(rows.map((row) => [row.userId, row.count]));
}
