/**
 * Conversions between a device's naive wall clock and UTC instants, in the device's IANA zone.
 *
 * DST policy (also in docs/TIME.md). A terminal reports local time without an offset, so a wall
 * clock can name no instant or two:
 * - spring-forward gap (the wall time never happened): move forward by the gap length, so 02:30 in a
 *   1 h gap becomes 03:30. Only a device clock that missed the jump shows such a time, and for it
 *   the real time is an offset-change later. Gap times then share the instants of the hour after
 *   the gap, so they can sort after a punch made a little later on the wall.
 * - fall-back overlap (the wall time happened twice): take the earlier instant, the first
 *   occurrence. A device reports no offset, so the two cannot be told apart; the earlier keeps
 *   later wall times from mapping to earlier instants.
 */
import { IANAZone } from 'luxon';
import { InvalidRecordError } from '../errors.js';
import { NAIVE_MS_PER_DAY, naiveMsToWallClock, wallClockToNaiveMs } from './naive.js';

export type WallClockResolution = 'exact' | 'gap' | 'overlap';

export interface ResolvedWallClock {
  instant: Date;
  resolution: WallClockResolution;
}

/** True for an IANA zone name the runtime knows ('Europe/Berlin', 'UTC'); false for offsets like '+03:00'. */
export function isTimeZone(zone: string): boolean {
  if (typeof zone !== 'string' || zone.length === 0) return false;
  // luxon builds a new Intl formatter for every check (~170 µs); the answer never changes.
  let valid = zoneValidity.get(zone);
  if (valid === undefined) {
    valid = IANAZone.isValidZone(zone);
    if (zoneValidity.size < 1000) zoneValidity.set(zone, valid);
  }
  return valid;
}

const zoneValidity = new Map<string, boolean>();

function zoneOrThrow(zone: string): IANAZone {
  if (!isTimeZone(zone)) {
    throw new InvalidRecordError(
      `time zone ${JSON.stringify(zone)} is not an IANA zone name (expected e.g. 'Europe/Berlin')`,
    );
  }
  return IANAZone.create(zone);
}

function exactOffsetMs(zone: IANAZone, instantMs: number): number {
  return Math.round(zone.offset(instantMs) * 60_000);
}

const HOUR_MS = 3_600_000;
const MAX_CACHED_HOURS = 200_000;
// Asking the runtime's time zone data costs tens of microseconds a call, and a device log holds
// 100,000 punches. Offsets only change at transitions, so an hour whose start and end share an
// offset has that offset throughout (zones never change twice within an hour); only such hours are
// remembered, and an hour holding a transition is always computed exactly.
const constantHours = new Map<string, Map<number, number>>();

/** The zone's UTC offset at an instant, in milliseconds (local = UTC + offset). */
function offsetMsAt(zone: IANAZone, instantMs: number): number {
  const hour = Math.floor(instantMs / HOUR_MS);
  let hours = constantHours.get(zone.name);
  if (!hours) {
    hours = new Map();
    constantHours.set(zone.name, hours);
  }
  const known = hours.get(hour);
  if (known !== undefined) return known;
  const start = exactOffsetMs(zone, hour * HOUR_MS);
  const end = exactOffsetMs(zone, hour * HOUR_MS + HOUR_MS - 1);
  if (start !== end) return exactOffsetMs(zone, instantMs);
  if (hours.size >= MAX_CACHED_HOURS) hours.clear();
  hours.set(hour, start);
  return start;
}

function instantMsOrThrow(instant: Date): number {
  const ms = instant instanceof Date ? instant.getTime() : Number.NaN;
  if (Number.isNaN(ms)) throw new InvalidRecordError(`instant ${String(instant)} is not a valid date`);
  return ms;
}

export function wallClockToInstant(wallClock: string, zone: string): ResolvedWallClock {
  const ianaZone = zoneOrThrow(zone);
  const naiveMs = wallClockToNaiveMs(wallClock);

  // Every offset in force within a day either side; real zones never change twice within that span.
  const offsets = new Set([
    offsetMsAt(ianaZone, naiveMs - NAIVE_MS_PER_DAY),
    offsetMsAt(ianaZone, naiveMs),
    offsetMsAt(ianaZone, naiveMs + NAIVE_MS_PER_DAY),
  ]);
  const candidates = [...offsets].map((offsetMs) => naiveMs - offsetMs);
  const matching = candidates.filter((instantMs) => offsetMsAt(ianaZone, instantMs) + instantMs === naiveMs);

  if (matching.length === 1) return { instant: new Date(matching[0]), resolution: 'exact' };
  if (matching.length > 1) return { instant: new Date(Math.min(...matching)), resolution: 'overlap' };
  // In a gap, reading the wall clock with the offset from before the jump lands exactly gap-length
  // after it in the new offset; that is the latest candidate.
  return { instant: new Date(Math.max(...candidates)), resolution: 'gap' };
}

/** The wall clock ('YYYY-MM-DDTHH:MM:SS') a device in the zone shows at the instant. */
export function instantToWallClock(instant: Date, zone: string): string {
  const ianaZone = zoneOrThrow(zone);
  const instantMs = Math.floor(instantMsOrThrow(instant) / 1000) * 1000;
  return naiveMsToWallClock(instantMs + offsetMsAt(ianaZone, instantMs));
}

/**
 * ISO 8601 with the zone's offset at that instant, to the second: '2025-11-11T08:15:30+03:00'.
 * UTC is written '+00:00', never 'Z', so every value the CRM gets has the same shape.
 */
export function formatInstant(instant: Date, zone: string): string {
  const ianaZone = zoneOrThrow(zone);
  const instantMs = Math.floor(instantMsOrThrow(instant) / 1000) * 1000;
  const offsetMs = offsetMsAt(ianaZone, instantMs);
  if (offsetMs % 60_000 !== 0) {
    // Only local mean time before ~1900 has such offsets; ISO 8601 offsets have no seconds.
    throw new InvalidRecordError(
      `time zone ${zone} had an offset with seconds at ${instant.toISOString()}; ` +
        'it cannot be written as an ISO 8601 offset',
    );
  }
  const offsetMinutes = Math.abs(offsetMs / 60_000);
  const sign = offsetMs < 0 ? '-' : '+';
  const hours = String(Math.floor(offsetMinutes / 60)).padStart(2, '0');
  const minutes = String(offsetMinutes % 60).padStart(2, '0');
  return `${naiveMsToWallClock(instantMs + offsetMs)}${sign}${hours}:${minutes}`;
}
