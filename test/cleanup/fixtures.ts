import { rulesConfigFromConfig } from '../../lib/attendance/fromConfig.js';
import { parseConfig } from '../../lib/config.js';
import type { Sql } from '../../lib/db/connection.js';
import { insertDevice } from '../../lib/db/devices.js';
import { insertPunches } from '../../lib/db/punches.js';
import { createLogger } from '../../lib/logger.js';
import { type ProcessingCounts, processPendingPunches } from '../../lib/processing/index.js';
import { wallClockToInstant } from '../../lib/time/wallclock.js';

export const silentLogger = createLogger('silent');
const rules = rulesConfigFromConfig(parseConfig({}));

export interface TestDevice {
  id: number;
  timezone: string;
}

let deviceNumber = 0;

export async function addDevice(sql: Sql, timezone = 'UTC', name?: string): Promise<TestDevice> {
  deviceNumber++;
  const device = await insertDevice(sql, {
    name: name ?? `Gate ${deviceNumber}`,
    host: `10.9.0.${deviceNumber}`,
    port: 4370,
    commKey: 0,
    timezone,
  });
  return { id: device.id, timezone };
}

/** Stores punches as ingest does and returns their ids (as numbers), in the order given. */
export async function addPunches(
  sql: Sql,
  device: TestDevice,
  punches: [userId: string, wallClock: string][],
  options: { instant?: Date; pollRunId?: number } = {},
): Promise<number[]> {
  await insertPunches(
    sql,
    punches.map(([userId, wallClock]) => {
      const resolved = wallClockToInstant(wallClock, device.timezone);
      return {
        deviceId: device.id,
        userId,
        punchedAtLocal: wallClock,
        punchedAt: options.instant ?? resolved.instant,
        timezone: device.timezone,
        timeResolution: resolved.resolution,
        verifyType: 1,
        punchState: 0,
        source: 'poll' as const,
        pollRunId: options.pollRunId ?? null,
        clockOffsetSeconds: null,
      };
    }),
  );
  const ids: number[] = [];
  for (const [userId, wallClock] of punches) {
    const [row] = await sql<{ id: number }[]>`
      select id from raw_punches
      where device_id = ${device.id} and user_id = ${userId} and punched_at_local = ${wallClock}::timestamp`;
    ids.push(row.id);
  }
  return ids;
}

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
