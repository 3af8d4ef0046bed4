import type { PunchInput, RulesConfig } from './types.js';

export const MISSING_CLOCK_OUT = 'Missing clock-out';

/** The prefix of the device clock flag, e.g. 'Device clock off by 412 s (device 3)'. */
export const DEVICE_CLOCK_OFF = 'Device clock off by';

/**
 * One flag per device whose measured clock offset was above the threshold on any punch of the day,
 * with its largest offset, by device id. A skewed device clock misdates punches, so payroll should
 * look at the day even when it passes the outlier rules.
 */
export function deviceClockFlags(punches: readonly PunchInput[], cfg: RulesConfig): string[] {
  const worstOffsetSeconds = new Map<number, number>();
  for (const punch of punches) {
    if (punch.clockOffsetSeconds === null || !Number.isFinite(punch.clockOffsetSeconds)) continue;
    const magnitude = Math.abs(punch.clockOffsetSeconds);
    if (magnitude <= cfg.clockOffsetThresholdSeconds) continue;
    worstOffsetSeconds.set(punch.deviceId, Math.max(magnitude, worstOffsetSeconds.get(punch.deviceId) ?? 0));
  }
  return [...worstOffsetSeconds.entries()]
    .sort(([a], [b]) => a - b)
    .map(([deviceId, seconds]) => `${DEVICE_CLOCK_OFF} ${Math.round(seconds)} s (device ${deviceId})`);
}
