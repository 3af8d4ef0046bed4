import { InvalidRecordError } from '../errors.js';
import { instantToWallClock, wallClockToInstant } from '../time/wallclock.js';
import type { PunchInput } from './types.js';

/**
 * Throws InvalidRecordError when a punch's instant does not belong to its wall clock in its zone.
 * Days are assigned from the wall clock and punches ordered by the instant, so a punch whose two
 * disagree (say, converted with a since-changed device zone) would be misdated silently.
 */
export function assertPunchConsistent(punch: PunchInput): void {
  const where = `punch ${punch.id} (user ${punch.userId}, device ${punch.deviceId})`;
  if (!(punch.instant instanceof Date) || Number.isNaN(punch.instant.getTime())) {
    throw new InvalidRecordError(`${where} has no valid instant`);
  }
  const resolved = wallClockToInstant(punch.wallClock, punch.timezone);
  // Either occurrence of a fall-back hour is accepted: both show the same wall clock.
  const matches =
    resolved.instant.getTime() === punch.instant.getTime() ||
    instantToWallClock(punch.instant, punch.timezone) === punch.wallClock;
  if (!matches) {
    throw new InvalidRecordError(
      `${where}: wall clock ${punch.wallClock} in ${punch.timezone} is ${resolved.instant.toISOString()}, ` +
        `but the stored instant is ${punch.instant.toISOString()}; recompute it from the wall clock`,
    );
  }
}
