import type { AttendanceDay, PunchInput, RulesConfig } from '../attendance/index.js';
import {
  type AttendanceDayRecord,
  findDayStates,
  insertAttendanceDays,
  reviseAttendanceDays,
  type StoredDayState,
} from '../db/attendanceDays.js';
import type { Queryable } from '../db/connection.js';
import type { Logger } from '../logger.js';
import { buildUsableDays, type UnusablePunch } from './build.js';
import type { ProcessingCounts } from './counts.js';
import { toDayRecord } from './records.js';
import { type DayPair, pairKey } from './windows.js';

export interface RebuildInput {
  /** The (user, day) pairs to bring up to date; days the punches give for other pairs are ignored. */
  pairs: readonly DayPair[];
  /** Every stored punch that can belong to those pairs. */
  punches: readonly PunchInput[];
  /** The punches this run answers for: only they are counted (and logged) as failed. */
  ownPunchIds: ReadonlySet<string>;
}

export type RebuildCounts = Omit<ProcessingCounts, 'punchesProcessed'>;

/** Punch ids the stored record was built from that the rebuilt one lacks. */
function lostPunches(stored: StoredDayState, rebuilt: AttendanceDayRecord): string[] {
  const rebuiltIds = new Set(rebuilt.punchIds);
  return stored.punchIds.filter((id) => !rebuiltIds.has(id));
}

/**
 * A stored record built from punches that are no longer stored stays as it is; this run's punches of
 * that day are reported as not used, with the reason.
 */
function keepRecordWithLostPunches(
  day: AttendanceDay,
  lostPunchIds: readonly string[],
  stored: StoredDayState,
  input: RebuildInput,
  logger: Logger,
): UnusablePunch[] {
  const reason =
    `the record of user ${day.userId} on ${day.date} was built from punches ${lostPunchIds.join(', ')}, ` +
    'which are no longer stored (removed by retention?); the record is kept as it is. ' +
    'Restore those punches and process the day again to apply this one';
  logger.warn({ userId: day.userId, date: day.date, lostPunchIds }, reason);
  const storedIds = new Set(stored.punchIds);
  const dayIds = new Set(day.punchIds);
  return input.punches
    .filter((p) => input.ownPunchIds.has(p.id) && dayIds.has(p.id) && !storedIds.has(p.id))
    .map((punch) => ({ punch, reason }));
}

/**
 * Rebuilds the pairs' daily records from their punches and writes only what changed: a new pair is
 * inserted, a changed one revised, an unchanged one not touched. The caller holds the users'
 * processing locks (lockUsersForProcessing) in the same transaction.
 *
 * A stored record that lists punches no longer stored (retention deleted them) is kept as it is:
 * rebuilding it from what is left would replace a delivered clock-in with a later one. The punches
 * of this run that belong to such a day are counted as failed, with the reason logged.
 */
export async function rebuildDays(
  tx: Queryable,
  rules: RulesConfig,
  input: RebuildInput,
  logger: Logger,
): Promise<RebuildCounts> {
  const wanted = new Set(input.pairs.map((p) => pairKey(p.userId, p.date)));
  const { days, unusable } = buildUsableDays(input.punches, rules);
  const failed: UnusablePunch[] = unusable.filter((u) => input.ownPunchIds.has(u.punch.id));

  const states = new Map(
    (await findDayStates(tx, input.pairs)).map((s) => [pairKey(s.userId, s.date), s] as const),
  );
  const inserts: AttendanceDayRecord[] = [];
  const revisions: AttendanceDayRecord[] = [];
  let unchanged = 0;
  let outliers = 0;
  for (const day of days) {
    const key = pairKey(day.userId, day.date);
    if (!wanted.has(key)) continue;
    const record = toDayRecord(day);
    const stored = states.get(key);
    const lostPunchIds = stored ? lostPunches(stored, record) : [];
    if (stored && lostPunchIds.length > 0) {
      unchanged++;
      failed.push(...keepRecordWithLostPunches(day, lostPunchIds, stored, input, logger));
      continue;
    }
    if (day.isOutlier) outliers++;
    if (!stored) inserts.push(record);
    else if (stored.contentKey !== record.contentKey) revisions.push(record);
    else unchanged++;
  }

  const daysCreated = await insertAttendanceDays(tx, inserts);
  const daysRevised = await reviseAttendanceDays(tx, revisions);
  for (const { punch, reason } of failed) {
    logger.warn(
      { punchId: punch.id, userId: punch.userId, deviceId: punch.deviceId, wallClock: punch.wallClock },
      `punch ${punch.id} (user ${punch.userId}, device ${punch.deviceId}, ${punch.wallClock}) was not used: ${reason}`,
    );
  }
  return { daysCreated, daysRevised, daysUnchanged: unchanged, outliers, failed: failed.length };
}
