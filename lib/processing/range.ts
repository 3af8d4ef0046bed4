import { attendanceDayOfWallClock, dayChangeMinutes, type RulesConfig } from '../attendance/index.js';
import type { Sql } from '../db/connection.js';
import {
  listPunchingUsers,
  loadPunchesInWindows,
  lockUsersForProcessing,
  punchWallClockSpan,
  usersWithPunchesBetween,
} from '../db/punchProcessing.js';
import { ConfigurationError } from '../errors.js';
import type { Logger } from '../logger.js';
import { addDays, dateToNaiveMs } from '../time/naive.js';
import { addCounts, emptyCounts, type ProcessingCounts } from './counts.js';
import { rebuildDays } from './rebuild.js';
import { attendanceDayWindow, attendanceRangeWindow } from './windows.js';

/** How far a date-range run got: every attendance day up to `doneThrough` is rebuilt. */
export interface RangeProgress {
  doneThrough: string;
  counts: ProcessingCounts;
}

export interface DateRangeOptions {
  /** First attendance day 'YYYY-MM-DD'; omitted: the earliest stored punch's day. */
  startDate?: string | null;
  /** Last attendance day, included; omitted: the latest stored punch's day. */
  endDate?: string | null;
  /** Only this user's days; omitted: everyone's. */
  userId?: string | null;
  logger: Logger;
  /** Called after each attendance day is committed (an activity heartbeats with it). */
  onProgress?: (progress: RangeProgress) => void;
  /** Continue a run that stopped: days up to `doneThrough` are not rebuilt again. */
  resumeFrom?: RangeProgress | null;
}

function checkedDate(value: string | null | undefined, option: string): string | null {
  if (value === undefined || value === null || value === '') return null;
  try {
    dateToNaiveMs(value);
    return value;
  } catch {
    throw new ConfigurationError(`${option} ${JSON.stringify(value)} is not a date like 2025-11-11`);
  }
}

/**
 * Recomputes the daily records of a date range from the raw punches, one attendance day per
 * transaction, whether or not those punches were processed before (after a rules change, say).
 * Days whose content comes out the same are not written. Days without stored punches are left as
 * they are: retention may have removed the punches of a record that is still valid.
 */
export async function processDateRange(
  sql: Sql,
  rules: RulesConfig,
  options: DateRangeOptions,
): Promise<ProcessingCounts> {
  const startDate = checkedDate(options.startDate, 'start date');
  const endDate = checkedDate(options.endDate, 'end date');
  if (startDate && endDate && startDate > endDate) {
    throw new ConfigurationError(`start date ${startDate} is after end date ${endDate}`);
  }
  const dayChange = dayChangeMinutes(rules);
  // Users who punch later than this list are left to the incremental run.
  const candidates = options.userId ? [options.userId] : await listPunchingUsers(sql);
  const span = await punchWallClockSpan(sql, {
    fromLocal: startDate ? attendanceDayWindow(startDate, dayChange).fromLocal : null,
    toLocal: endDate ? attendanceRangeWindow(endDate, endDate, dayChange).toLocal : null,
    userIds: candidates,
  });
  let totals = options.resumeFrom?.counts ?? emptyCounts();
  if (!span) return totals;

  let firstDay = attendanceDayOfWallClock(span.first, dayChange);
  const resumeDay = options.resumeFrom ? addDays(options.resumeFrom.doneThrough, 1) : null;
  if (resumeDay && resumeDay > firstDay) firstDay = resumeDay;
  const lastDay = attendanceDayOfWallClock(span.last, dayChange);
  for (let date = firstDay; date <= lastDay; date = addDays(date, 1)) {
    const counts = await rebuildOneDay(sql, rules, { date, dayChange, candidates }, options.logger);
    totals = addCounts(totals, counts);
    options.onProgress?.({ doneThrough: date, counts: totals });
  }
  return totals;
}

async function rebuildOneDay(
  sql: Sql,
  rules: RulesConfig,
  day: { date: string; dayChange: number | null; candidates: readonly string[] },
  logger: Logger,
): Promise<ProcessingCounts> {
  const window = attendanceDayWindow(day.date, day.dayChange);
  return sql.begin(async (tx) => {
    const userIds = await usersWithPunchesBetween(tx, { ...window, userIds: day.candidates });
    if (userIds.length === 0) return emptyCounts();
    await lockUsersForProcessing(tx, userIds);
    // Read after the locks, so a run that rebuilt one of these days just before is seen.
    const punches = await loadPunchesInWindows(
      tx,
      userIds.map((userId) => ({ userId, ...window })),
    );
    const rebuilt = await rebuildDays(
      tx,
      rules,
      {
        pairs: userIds.map((userId) => ({ userId, date: day.date })),
        punches,
        ownPunchIds: new Set(punches.map((p) => p.id)),
      },
      logger,
    );
    return { punchesProcessed: punches.length, ...rebuilt };
  });
}
