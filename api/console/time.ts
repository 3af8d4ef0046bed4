import { DateTime } from 'luxon';

/** Today's date ('YYYY-MM-DD') in a zone. */
export function todayIn(zone: string, now: Date = new Date()): string {
  return DateTime.fromJSDate(now, { zone }).toISODate() as string;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A date from the query string, or null when it is missing or not a real calendar date. */
export function parseDate(value: string | undefined): string | null {
  if (!value || !ISO_DATE.test(value)) return null;
  return DateTime.fromISO(value, { zone: 'UTC' }).isValid ? value : null;
}

export function addDays(date: string, days: number): string {
  return DateTime.fromISO(date, { zone: 'UTC' }).plus({ days }).toISODate() as string;
}

/** '08:02 +03:00': the wall-clock time in the zone, with its offset so nobody has to guess. */
export function clockTime(at: Date, zone: string): string {
  return DateTime.fromJSDate(at, { zone }).toFormat('HH:mm ZZ');
}

/** '2026-12-02 08:02:11 +03:00'. */
export function dateTime(at: Date | null, zone: string): string {
  if (!at) return '';
  return DateTime.fromJSDate(at, { zone }).toFormat('yyyy-MM-dd HH:mm:ss ZZ');
}

/** 'Wednesday 2 December 2026'. */
export function longDate(date: string): string {
  return DateTime.fromISO(date, { zone: 'UTC' }).setLocale('en-GB').toFormat('cccc d LLLL yyyy');
}

/** '3 min ago', '2 h ago', or the date for older. */
export function ago(at: Date | null, now: Date = new Date()): string {
  if (!at) return 'never';
  const seconds = Math.round((now.getTime() - at.getTime()) / 1000);
  if (seconds < 60) return `${Math.max(seconds, 0)} s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86_400)} days ago`;
}
