import type { WallClock } from '../zk/codec/index.js';
import { formatWallClock } from '../zk/codec/index.js';
import { wallClockToInstant } from './wallclock.js';

/**
 * How far a device clock is ahead (+) or behind (-), in whole seconds: the wall clock it showed, read
 * in the device's zone, against the true time it was read at.
 */
export function clockOffsetSeconds(shown: WallClock, timezone: string, readAt: Date): number {
  const instant = wallClockToInstant(formatWallClock(shown), timezone).instant;
  return Math.round((instant.getTime() - readAt.getTime()) / 1000);
}
