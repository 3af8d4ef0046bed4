import { type ParseArgsConfig, parseArgs } from 'node:util';
import { isCalendarDate } from '../lib/time/calendar.js';

/** Wrong, missing or conflicting options: the command prints the problem and its usage, then exits 2. */
export class UsageError extends Error {}

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

/** Strict `parseArgs`: an unknown option or a missing value is a UsageError, not a crash. */
export function parseOptions<const T extends OptionsConfig>(
  argv: string[],
  options: T,
  allowPositionals = false,
) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/**
 * Runs a command body; a UsageError becomes the message and the usage on stderr with exit code 2.
 * Anything else propagates to `cli/main.ts`, which prints it and exits 1.
 */
export async function withUsage(help: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${help}`);
    return 2;
  }
}

/** A whole number option from `min` up (1 by default); undefined when the option is absent. */
export function wholeNumber(text: string | undefined, flag: string, min = 1): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text.trim());
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min) {
    throw new UsageError(`${flag} must be a whole number of ${min} or more, got "${text}"`);
  }
  return value;
}

/** A calendar date option, `YYYY-MM-DD`; undefined when the option is absent. */
export function calendarDate(text: string | undefined, flag: string): string | undefined {
  if (text === undefined) return undefined;
  if (!isCalendarDate(text)) throw new UsageError(`${flag} must be a date as YYYY-MM-DD, got "${text}"`);
  return text;
}

/** `--start-date` and `--end-date`, each optional, in order when both are given. */
export function dateRange(values: { 'start-date'?: string; 'end-date'?: string }): {
  startDate?: string;
  endDate?: string;
} {
  const startDate = calendarDate(values['start-date'], '--start-date');
  const endDate = calendarDate(values['end-date'], '--end-date');
  if (startDate && endDate && startDate > endDate) {
    throw new UsageError(`--start-date ${startDate} is after --end-date ${endDate}`);
  }
  return { ...(startDate ? { startDate } : {}), ...(endDate ? { endDate } : {}) };
}

/** Throws unless exactly one of the named options is set; returns its name. */
export function exactlyOne<Name extends string>(given: Record<Name, unknown>, what: string): Name {
  const set = (Object.keys(given) as Name[]).filter(
    (name) => given[name] !== undefined && given[name] !== false,
  );
  if (set.length !== 1) {
    const names = Object.keys(given).map((name) => `--${name}`);
    throw new UsageError(
      set.length === 0
        ? `${what}: give one of ${names.join(', ')}`
        : `${what}: give only one of ${set.map((name) => `--${name}`).join(', ')}`,
    );
  }
  return set[0];
}
