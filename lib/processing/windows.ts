import { addDays, dateToNaiveMs, NAIVE_MS_PER_DAY, naiveMsToWallClock } from '../time/naive.js';

/** Device wall clocks 'YYYY-MM-DDTHH:MM:SS', from inclusive, to exclusive. */
export interface LocalWindow {
  fromLocal: string;
  toLocal: string;
}

/**
 * The wall clocks that belong to an attendance day: from its day change to the next one (midnight
 * when days follow the calendar). This is exactly the set `attendanceDayOfWallClock` dates `date`,
 * so an overnight shift's clock-out after midnight is inside its day's window.
 */
export function attendanceDayWindow(date: string, dayChangeMinutes: number | null): LocalWindow {
  const fromMs = dateToNaiveMs(date) + (dayChangeMinutes ?? 0) * 60_000;
  return { fromLocal: naiveMsToWallClock(fromMs), toLocal: naiveMsToWallClock(fromMs + NAIVE_MS_PER_DAY) };
}

/** The wall clocks of every attendance day from `firstDate` to `lastDate`, both included. */
export function attendanceRangeWindow(
  firstDate: string,
  lastDate: string,
  dayChangeMinutes: number | null,
): LocalWindow {
  return {
    fromLocal: attendanceDayWindow(firstDate, dayChangeMinutes).fromLocal,
    toLocal: attendanceDayWindow(addDays(lastDate, 1), dayChangeMinutes).fromLocal,
  };
}

/** One (user, attendance day) pair. */
export interface DayPair {
  userId: string;
  date: string;
}

/** A map key for a pair; the date has a fixed width, so no user id can make two pairs collide. */
export function pairKey(userId: string, date: string): string {
  return `${date}|${userId}`;
}
