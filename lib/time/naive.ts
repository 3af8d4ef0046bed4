/**
 * Arithmetic on naive wall-clock values: a calendar date and time of day with no zone attached, as
 * a fingerprint terminal reports them. They are held as "naive milliseconds": the value the wall
 * clock would have as a UTC instant. That keeps date maths free of DST, which is what the
 * attendance rules want (a 21:00 limit is 21:00 on the wall, whatever the offset that day).
 */
import { InvalidRecordError } from '../errors.js';

const MS_PER_DAY = 86_400_000;

const WALL_CLOCK_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/;
const TIME_OF_DAY_PATTERN = /^(\d{1,2}):(\d{2})$/;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

function daysInMonth(year: number, month: number): number {
  const lastDay = new Date(0);
  // Day 0 of the next month is the last day of this one.
  lastDay.setUTCFullYear(year, month, 0);
  return lastDay.getUTCDate();
}

function utcMs(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  const date = new Date(0);
  // setUTCFullYear keeps years 0..99 literal, where Date.UTC would map them to 1900..1999.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  return date.getTime();
}

/** 'YYYY-MM-DDTHH:MM:SS' to naive milliseconds; throws InvalidRecordError when malformed or impossible. */
export function wallClockToNaiveMs(wallClock: string): number {
  const match = typeof wallClock === 'string' ? WALL_CLOCK_PATTERN.exec(wallClock) : null;
  if (!match) {
    throw new InvalidRecordError(
      `wall clock ${JSON.stringify(wallClock)} is not in the form YYYY-MM-DDTHH:MM:SS`,
    );
  }
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number);
  if (
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth(year, month) ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    throw new InvalidRecordError(`wall clock ${wallClock} is not a real date and time`);
  }
  return utcMs(year, month, day, hour, minute, second);
}

/** Naive milliseconds to 'YYYY-MM-DDTHH:MM:SS' (sub-second parts are dropped, not rounded). */
export function naiveMsToWallClock(naiveMs: number): string {
  const date = new Date(Math.floor(naiveMs / 1000) * 1000);
  if (Number.isNaN(date.getTime()) || date.getUTCFullYear() < 0 || date.getUTCFullYear() > 9999) {
    throw new InvalidRecordError(`time value ${naiveMs} is outside the years 0000-9999`);
  }
  return `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}T${pad(
    date.getUTCHours(),
  )}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
}

/** 'YYYY-MM-DD' to the naive milliseconds of its midnight; throws InvalidRecordError when invalid. */
export function dateToNaiveMs(date: string): number {
  const match = typeof date === 'string' ? DATE_PATTERN.exec(date) : null;
  if (!match) throw new InvalidRecordError(`date ${JSON.stringify(date)} is not in the form YYYY-MM-DD`);
  return wallClockToNaiveMs(`${date}T00:00:00`);
}

/** The calendar date part of a naive value. */
export function naiveMsToDate(naiveMs: number): string {
  return naiveMsToWallClock(naiveMs).slice(0, 10);
}

/** Shifts a 'YYYY-MM-DD' date by whole days. */
export function addDays(date: string, days: number): string {
  return naiveMsToDate(dateToNaiveMs(date) + days * MS_PER_DAY);
}

/** Milliseconds since the wall clock's midnight. */
export function msSinceMidnight(naiveMs: number): number {
  return ((naiveMs % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY;
}

/**
 * 'HH:MM' (or 'H:MM') to minutes after midnight, 0..1439; null when malformed. Callers turn null
 * into an error that names the setting.
 */
export function parseTimeOfDay(value: string): number | null {
  const match = typeof value === 'string' ? TIME_OF_DAY_PATTERN.exec(value) : null;
  if (!match) return null;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (hours > 23 || minutes > 59) return null;
  return hours * 60 + minutes;
}

/** Minutes after midnight to 'HH:MM'; wraps past midnight. */
export function formatTimeOfDay(minutes: number): string {
  const wrapped = ((minutes % 1440) + 1440) % 1440;
  return `${pad(Math.floor(wrapped / 60))}:${pad(wrapped % 60)}`;
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

export const NAIVE_MS_PER_DAY = MS_PER_DAY;
