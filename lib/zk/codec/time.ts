import { InvalidRecordError } from '../../errors.js';

/** Device-local wall-clock time: the fields as the terminal shows them, with no zone. */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const SECONDS_PER_DAY = 86_400;

/** The u32 time of records and GET_TIME/SET_TIME (PROTOCOL.md §10): every month has 31 days. */
export function encodeTime(w: WallClock): number {
  assertEncodable(w);
  const days = (w.year % 100) * 12 * 31 + (w.month - 1) * 31 + (w.day - 1);
  return days * SECONDS_PER_DAY + (w.hour * 60 + w.minute) * 60 + w.second;
}

/** The raw fields of a u32 time; Feb 31 or a year past 2099 decode as they are: check `isValidWallClock`. */
export function decodeTime(t: number): WallClock {
  let rest = Math.floor(t);
  const second = rest % 60;
  rest = Math.floor(rest / 60);
  const minute = rest % 60;
  rest = Math.floor(rest / 60);
  const hour = rest % 24;
  rest = Math.floor(rest / 24);
  const day = (rest % 31) + 1;
  rest = Math.floor(rest / 31);
  const month = (rest % 12) + 1;
  const year = Math.floor(rest / 12) + 2000;
  return { year, month, day, hour, minute, second };
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** A real calendar date and time in the years the device can store (2000..2099). */
export function isValidWallClock(w: WallClock): boolean {
  const fields = [w.year, w.month, w.day, w.hour, w.minute, w.second];
  if (!fields.every(Number.isInteger)) return false;
  if (w.year < 2000 || w.year > 2099 || w.month < 1 || w.month > 12) return false;
  if (w.day < 1 || w.day > daysInMonth(w.year, w.month)) return false;
  return w.hour >= 0 && w.hour < 24 && w.minute >= 0 && w.minute < 60 && w.second >= 0 && w.second < 60;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** 'YYYY-MM-DDTHH:MM:SS', no zone suffix. */
export function formatWallClock(w: WallClock): string {
  return (
    `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}` + `T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`
  );
}

const WALL_CLOCK_PATTERN = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})$/;

/**
 * Reads 'YYYY-MM-DDTHH:MM:SS' or 'YYYY-MM-DD HH:MM:SS'. Checks the shape only, so a Feb 31 read
 * from a device survives a round trip; use `isValidWallClock` for the calendar.
 */
export function parseWallClock(s: string): WallClock {
  const match = WALL_CLOCK_PATTERN.exec(s);
  if (!match) {
    throw new InvalidRecordError(`'${s}' is not a wall-clock time of the form YYYY-MM-DDTHH:MM:SS`);
  }
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number);
  return { year, month, day, hour, minute, second };
}

/** 6 bytes YY MM DD hh mm ss (year - 2000), the time form of real-time events (PROTOCOL.md §10). */
export function decodeEventTime(bytes: Buffer, offset = 0): WallClock {
  return {
    year: 2000 + bytes[offset],
    month: bytes[offset + 1],
    day: bytes[offset + 2],
    hour: bytes[offset + 3],
    minute: bytes[offset + 4],
    second: bytes[offset + 5],
  };
}

export function encodeEventTime(w: WallClock): Buffer {
  assertEncodable(w);
  return Buffer.from([w.year - 2000, w.month, w.day, w.hour, w.minute, w.second]);
}

function assertEncodable(w: WallClock): void {
  const inRange =
    [w.year, w.month, w.day, w.hour, w.minute, w.second].every(Number.isInteger) &&
    w.year >= 2000 &&
    w.year <= 2099 &&
    w.month >= 1 &&
    w.month <= 12 &&
    w.day >= 1 &&
    w.day <= 31 &&
    w.hour >= 0 &&
    w.hour < 24 &&
    w.minute >= 0 &&
    w.minute < 60 &&
    w.second >= 0 &&
    w.second < 60;
  if (!inRange) {
    throw new InvalidRecordError(`${formatWallClock(w)} cannot be stored by the device (years 2000-2099)`);
  }
}
