/**
 * The daily report's table, as the page, the print view and the CSV show it: one line per known
 * employee, absent ones included, with the day's counts. Pure: rows in, text out.
 */
import { DateTime } from 'luxon';
import type { DailyReportRow } from '../../lib/db/dailyReport.js';

export interface ReportLine {
  userId: string;
  name: string;
  present: boolean;
  /** '08:02 +03:00', with the date in front when it is not the attendance day (a night shift). */
  clockIn: string;
  clockOut: string;
  /** Worked time in minutes; null when absent or without a clock-out. */
  minutes: number | null;
  device: string;
  flags: string[];
  isOutlier: boolean;
  synced: boolean;
  /** 'delivered', 'pending', 'failed', 'rejected', or '' when absent. */
  delivery: string;
}

export interface ReportCounts {
  employees: number;
  present: number;
  absent: number;
  outliers: number;
  synced: number;
  totalMinutes: number;
}

function wallClock(at: Date | null, zone: string | null, date: string): string {
  if (!at || !zone) return '';
  const local = DateTime.fromJSDate(at, { zone });
  return local.toISODate() === date ? local.toFormat('HH:mm ZZ') : local.toFormat('yyyy-MM-dd HH:mm ZZ');
}

export function toReportLine(row: DailyReportRow, date: string): ReportLine {
  const present = row.recordId !== null;
  const minutes =
    row.clockIn && row.clockOut
      ? Math.round((row.clockOut.getTime() - row.clockIn.getTime()) / 60_000)
      : null;
  const flags = [
    ...(row.outlierReason ? [row.outlierReason] : []),
    ...row.flags.filter((f) => f !== row.outlierReason),
  ];
  return {
    userId: row.userId,
    name: row.name,
    present,
    clockIn: wallClock(row.clockIn, row.clockInTimezone, date),
    clockOut: wallClock(row.clockOut, row.clockOutTimezone ?? row.clockInTimezone, date),
    minutes,
    device: row.deviceName ?? '',
    flags,
    isOutlier: row.isOutlier,
    synced: row.synced,
    delivery: row.deliveryStatus ?? '',
  };
}

export function countLines(lines: readonly ReportLine[]): ReportCounts {
  const present = lines.filter((line) => line.present);
  return {
    employees: lines.length,
    present: present.length,
    absent: lines.length - present.length,
    outliers: present.filter((line) => line.isOutlier).length,
    synced: present.filter((line) => line.synced).length,
    totalMinutes: present.reduce((sum, line) => sum + (line.minutes ?? 0), 0),
  };
}

/** '8:05' (hours:minutes). */
export function hoursText(minutes: number | null): string {
  if (minutes === null) return '';
  const sign = minutes < 0 ? '-' : '';
  const size = Math.abs(minutes);
  return `${sign}${Math.floor(size / 60)}:${String(size % 60).padStart(2, '0')}`;
}

export function syncedText(line: ReportLine): string {
  if (!line.present) return '';
  return line.synced ? 'yes' : `no (${line.delivery})`;
}

// ---------------------------------------------------------------------------------------------------
// CSV

/**
 * One CSV field. Names come from devices and may be hostile: a field a spreadsheet would run as a
 * formula (= + - @, tab, carriage return first) gets a leading apostrophe, and quotes are doubled.
 */
export function csvField(value: string | number): string {
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
}

export const CSV_HEADER = [
  'date',
  'employee_id',
  'name',
  'status',
  'clock_in',
  'clock_out',
  'hours',
  'device',
  'flags',
  'synced',
] as const;

export function toCsv(date: string, lines: readonly ReportLine[]): string {
  const rows = lines.map((line) => [
    date,
    line.userId,
    line.name,
    line.present ? 'present' : 'absent',
    line.clockIn,
    line.clockOut,
    line.minutes === null ? '' : (line.minutes / 60).toFixed(2),
    line.device,
    line.flags.join('; '),
    syncedText(line),
  ]);
  return `${[[...CSV_HEADER], ...rows].map((row) => row.map(csvField).join(',')).join('\r\n')}\r\n`;
}
