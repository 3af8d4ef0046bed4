import { formatInstant } from '../../lib/time/wallclock.js';

/**
 * An instant as the original API wrote datetimes: ISO 8601 with the offset of a zone ('+03:00'),
 * never 'Z'. Punch times use their device's zone; the bridge's own timestamps use TIME_ZONE.
 */
export function renderInstant(instant: Date, zone: string): string;
export function renderInstant(instant: Date | null, zone: string): string | null;
export function renderInstant(instant: Date | null, zone: string): string | null {
  return instant === null ? null : formatInstant(instant, zone);
}
