import type { PunchInput, RulesConfig } from '../../lib/attendance/index.js';
import { defaultRulesConfig } from '../../lib/attendance/index.js';
import { wallClockToInstant } from '../../lib/time/wallclock.js';

export const DEFAULT_ZONE = 'Europe/Istanbul';

/** A punch with its instant computed from the wall clock the way ingest does it. */
export function punch(
  wallClock: string,
  overrides: Partial<Omit<PunchInput, 'wallClock' | 'instant'>> = {},
): PunchInput {
  const timezone = overrides.timezone ?? DEFAULT_ZONE;
  const deviceId = overrides.deviceId ?? 1;
  const userId = overrides.userId ?? 'EMP001';
  return {
    id: overrides.id ?? `${userId}/${deviceId}/${wallClock}`,
    userId,
    deviceId,
    wallClock,
    instant: wallClockToInstant(wallClock, timezone).instant,
    timezone,
    state: overrides.state ?? 255,
    verifyType: overrides.verifyType ?? 1,
    clockOffsetSeconds: overrides.clockOffsetSeconds ?? null,
  };
}

export function rules(overrides: Partial<RulesConfig> = {}): RulesConfig {
  return { ...defaultRulesConfig, ...overrides };
}

export const overnightRules = rules({
  workStart: '20:00',
  workEnd: '05:00',
  overnightShift: true,
  overnightBufferHours: 4,
});
