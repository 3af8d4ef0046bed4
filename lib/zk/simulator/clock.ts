import { DateTime } from 'luxon';
import { ConfigurationError } from '../../errors.js';
import { isTimeZone } from '../../time/wallclock.js';
import type { WallClock } from '../codec/index.js';
import { naiveSecondsToWallClock, wallClockToNaiveSeconds } from './calendar.js';

export interface DeviceClockOptions {
  /** IANA zone the terminal's clock was set in, e.g. 'Europe/Madrid'. */
  timezone: string;
  /** How far the terminal's clock runs ahead (+) or behind (-) the true time in that zone. */
  offsetSeconds: number;
  /** Epoch milliseconds; injectable so tests never depend on the real time. */
  now?: () => number;
}

/**
 * A terminal's clock: a naive wall-clock that someone once set by hand. It reads the true local
 * time of its zone plus a drift offset; SET_TIME moves the offset, never the zone.
 */
export class DeviceClock {
  readonly timezone: string;
  private offset: number;
  private readonly now: () => number;

  constructor(options: DeviceClockOptions) {
    if (!isTimeZone(options.timezone)) {
      throw new ConfigurationError(`'${options.timezone}' is not an IANA time zone (e.g. 'Europe/Madrid')`);
    }
    if (!Number.isFinite(options.offsetSeconds)) {
      throw new ConfigurationError(`clock offset must be a number of seconds, got ${options.offsetSeconds}`);
    }
    this.timezone = options.timezone;
    this.offset = Math.trunc(options.offsetSeconds);
    this.now = options.now ?? Date.now;
  }

  get offsetSeconds(): number {
    return this.offset;
  }

  /** What the terminal's display shows right now. */
  read(): WallClock {
    return naiveSecondsToWallClock(this.trueLocalSeconds() + this.offset);
  }

  /** Sets the display to `time`, as SET_TIME does. */
  set(time: WallClock): void {
    this.offset = wallClockToNaiveSeconds(time) - this.trueLocalSeconds();
  }

  /** Moves the display by `seconds` (negative: back), as a dead RTC battery or a hand at the menu does. */
  move(seconds: number): void {
    if (!Number.isFinite(seconds)) {
      throw new ConfigurationError(`a clock move must be a number of seconds, got ${seconds}`);
    }
    this.offset += Math.trunc(seconds);
  }

  private trueLocalSeconds(): number {
    const local = DateTime.fromMillis(this.now(), { zone: this.timezone });
    return wallClockToNaiveSeconds({
      year: local.year,
      month: local.month,
      day: local.day,
      hour: local.hour,
      minute: local.minute,
      second: local.second,
    });
  }
}

/** The zone of the machine running the simulator, the natural default for a laptop demo. */
export function hostTimezone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}
