/**
 * An instant written in a zone with that zone's offset, to the second: `2025-11-11T08:15:30+03:00`.
 *
 * The output is, byte for byte, luxon's
 * `DateTime.fromJSDate(instant, { zone }).startOf('second').toFormat("yyyy-MM-dd'T'HH:mm:ssZZ")`,
 * which the CRM has always received (UTC as `+00:00`, years padded to four digits), at a fraction of
 * its cost: a DateTime per timestamp costs ~25 µs, this one Intl call (~3 µs). It follows luxon's own
 * arithmetic (the same Intl options, the same offset in minutes) and hands the rare instants that
 * arithmetic cannot vouch for to luxon itself: offsets that are not whole minutes (local mean time
 * before ~1900) and instants at the edge of what a Date can hold.
 */
import { DateTime, Info, type Zone } from 'luxon';

const luxonFormat = "yyyy-MM-dd'T'HH:mm:ssZZ";

type ZoneFormat =
  | { kind: 'intl'; parts: Intl.DateTimeFormat }
  | { kind: 'fixed'; offsetMinutes: number }
  | { kind: 'luxon' }
  | { kind: 'invalid' };

// Device zones are few; the bound only keeps a stream of odd names from growing it without end.
const maxCachedZones = 1000;
const zoneFormats = new Map<string, ZoneFormat>();

/**
 * The instant (epoch ms) in the zone; null when the zone is not one luxon knows (an IANA name,
 * `UTC`, `UTC+3`, …), the instant is not a time, or luxon cannot place it in the zone.
 */
export function formatOffsetTimestamp(instantMs: number, zoneName: string): string | null {
  const zone = zoneFormatOf(zoneName);
  if (zone.kind === 'invalid' || Number.isNaN(instantMs)) return null;
  const secondMs = floorToSecond(instantMs);
  if (zone.kind === 'intl') {
    const offsetMinutes = intlOffsetMinutes(zone.parts, instantMs, secondMs);
    // Where the instant has a fraction of a second, luxon takes the offset again at the whole
    // second; the two agree unless a transition fell within that second.
    const agreed =
      secondMs === instantMs || offsetMinutes === intlOffsetMinutes(zone.parts, secondMs, secondMs);
    if (agreed && Number.isInteger(offsetMinutes)) {
      const text = write(secondMs, offsetMinutes);
      if (text !== null) return text;
    }
  } else if (zone.kind === 'fixed' && Number.isInteger(zone.offsetMinutes)) {
    const text = write(secondMs, zone.offsetMinutes);
    if (text !== null) return text;
  }
  return formatWithLuxon(instantMs, zoneName);
}

function formatWithLuxon(instantMs: number, zoneName: string): string | null {
  const local = DateTime.fromJSDate(new Date(instantMs), { zone: zoneName });
  return local.isValid ? local.startOf('second').toFormat(luxonFormat) : null;
}

function zoneFormatOf(zoneName: string): ZoneFormat {
  let format = zoneFormats.get(zoneName);
  if (format === undefined) {
    format = describeZone(Info.normalizeZone(zoneName));
    if (zoneFormats.size >= maxCachedZones) zoneFormats.clear();
    zoneFormats.set(zoneName, format);
  }
  return format;
}

/** The zone as luxon reads the name: 'UTC' and 'UTC+3' are fixed offsets, 'local' the system's. */
function describeZone(zone: Zone): ZoneFormat {
  if (!zone.isValid) return { kind: 'invalid' };
  if (zone.type === 'iana') {
    // The options of luxon's IANAZone, so the parts (and the offset made of them) are the same.
    const parts = new Intl.DateTimeFormat('en-US', {
      hour12: false,
      timeZone: zone.name,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      era: 'short',
    });
    return { kind: 'intl', parts };
  }
  if (zone.type === 'fixed') return { kind: 'fixed', offsetMinutes: zone.offset(0) };
  return { kind: 'luxon' };
}

function floorToSecond(ms: number): number {
  const over = ms % 1000;
  return ms - (over >= 0 ? over : 1000 + over);
}

/** luxon's `IANAZone.offset`: the zone's wall clock read as UTC, less the instant, in minutes. */
function intlOffsetMinutes(parts: Intl.DateTimeFormat, instantMs: number, secondMs: number): number {
  let year = 0;
  let month = 0;
  let day = 0;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let beforeChrist = false;
  for (const { type, value } of parts.formatToParts(instantMs)) {
    if (type === 'year') year = Number.parseInt(value, 10);
    else if (type === 'month') month = Number.parseInt(value, 10);
    else if (type === 'day') day = Number.parseInt(value, 10);
    else if (type === 'hour') hour = Number.parseInt(value, 10);
    else if (type === 'minute') minute = Number.parseInt(value, 10);
    else if (type === 'second') second = Number.parseInt(value, 10);
    else if (type === 'era') beforeChrist = value === 'BC';
  }
  if (beforeChrist) year = -Math.abs(year) + 1;
  // Some engines write midnight as 24:00 with hour12 off.
  const wallAsUtcMs = utcMs(year, month, day, hour === 24 ? 0 : hour, minute, second);
  return (wallAsUtcMs - secondMs) / (60 * 1000);
}

/** `Date.UTC`, with years 0 to 99 taken as written rather than as 1900 to 1999. */
function utcMs(year: number, month: number, day: number, hour: number, minute: number, second: number) {
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  if (year >= 100 || year < 0) return ms;
  const date = new Date(ms);
  date.setUTCFullYear(year, month - 1, day);
  return date.getTime();
}

/** The wall clock at `secondMs` plus a whole-minute offset, as luxon writes it; null past Date's range. */
function write(secondMs: number, offsetMinutes: number): string | null {
  const wall = new Date(secondMs + offsetMinutes * 60 * 1000);
  const year = wall.getUTCFullYear();
  if (Number.isNaN(year)) return null;
  return (
    `${pad(year, 4)}-${pad(wall.getUTCMonth() + 1, 2)}-${pad(wall.getUTCDate(), 2)}` +
    `T${pad(wall.getUTCHours(), 2)}:${pad(wall.getUTCMinutes(), 2)}:${pad(wall.getUTCSeconds(), 2)}` +
    offsetText(offsetMinutes)
  );
}

/** luxon's `padStart`: a minus sign before the padding. */
function pad(value: number, width: number): string {
  return value < 0 ? `-${String(-value).padStart(width, '0')}` : String(value).padStart(width, '0');
}

/** luxon's short offset, `+05:45`; zero is `+00:00`. */
function offsetText(offsetMinutes: number): string {
  const hours = Math.trunc(Math.abs(offsetMinutes / 60));
  const minutes = Math.trunc(Math.abs(offsetMinutes % 60));
  return `${offsetMinutes >= 0 ? '+' : '-'}${pad(hours, 2)}:${pad(minutes, 2)}`;
}
