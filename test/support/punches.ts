import type { Sql } from '../../lib/db/connection.js';
import { insertPunches } from '../../lib/db/punches.js';
import { wallClockToInstant } from '../../lib/time/wallclock.js';

/**
 * Stores punches as a poll does (the instant computed from the device's wall clock and zone) and
 * returns their ids in the order given, as text, the way processing names punches.
 */
export async function addPunches(
  sql: Sql,
  device: { id: number; timezone: string },
  punches: [userId: string, wallClock: string][],
  options: { instant?: Date; pollRunId?: number } = {},
): Promise<string[]> {
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
  const ids: string[] = [];
  for (const [userId, wallClock] of punches) {
    const [row] = await sql<{ id: string }[]>`
      select id::text as id from raw_punches
      where device_id = ${device.id} and user_id = ${userId} and punched_at_local = ${wallClock}::timestamp`;
    ids.push(row.id);
  }
  return ids;
}
