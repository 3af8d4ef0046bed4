import { formatInstant } from '../lib/time/wallclock.js';

/** A clock offset as people read it: `in step`, `2 s ahead`, `1 h 3 min behind`. */
export function formatOffset(offsetSeconds: number): string {
  if (offsetSeconds === 0) return 'in step';
  return `${formatDuration(Math.abs(offsetSeconds))} ${offsetSeconds > 0 ? 'ahead' : 'behind'}`;
}

/** `45 s`, `3 min 5 s`, `2 h 10 min`, `3 d 4 h`: the two largest units. */
export function formatDuration(totalSeconds: number): string {
  const units: [string, number][] = [
    ['d', 86_400],
    ['h', 3600],
    ['min', 60],
    ['s', 1],
  ];
  let rest = Math.round(totalSeconds);
  const amounts = units.map(([name, size]) => {
    const amount = Math.floor(rest / size);
    rest -= amount * size;
    return { name, amount };
  });
  const first = amounts.findIndex((unit) => unit.amount > 0);
  if (first < 0) return '0 s';
  return amounts
    .slice(first, first + 2)
    .filter((unit) => unit.amount > 0)
    .map((unit) => `${unit.amount} ${unit.name}`)
    .join(' ');
}

/** An instant in the bridge's zone with how long ago it was: `2025-11-11T08:15:30+03:00 (5 min ago)`. */
export function formatWhen(instant: Date | null, zone: string, now = new Date()): string {
  if (!instant) return 'never';
  const seconds = Math.round((now.getTime() - instant.getTime()) / 1000);
  const relative = seconds >= 0 ? `${formatDuration(seconds)} ago` : `in ${formatDuration(-seconds)}`;
  return `${formatInstant(instant, zone)} (${relative})`;
}

/** Rows as left-aligned columns separated by two spaces; the last column is not padded. */
export function formatTable(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, index) => {
      widths[index] = Math.max(widths[index] ?? 0, cell.length);
    });
  }
  return rows.map((row) =>
    row
      .map((cell, index) => (index === row.length - 1 ? cell : cell.padEnd(widths[index])))
      .join('  ')
      .trimEnd(),
  );
}

/** `37%` of a capacity, or `?` when the device did not say. */
export function formatPercent(part: number | null, whole: number | null): string {
  if (part === null || whole === null || whole <= 0) return '?';
  return `${Math.floor((part * 100) / whole)}%`;
}
