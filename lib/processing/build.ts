import {
  type AttendanceDay,
  assertPunchConsistent,
  assignAttendanceDay,
  buildAttendanceDays,
  type PunchInput,
  type RulesConfig,
} from '../attendance/index.js';
import { describeError, InvalidRecordError } from '../errors.js';

/** A stored punch the rules refuse, and why. */
export interface UnusablePunch {
  punch: PunchInput;
  reason: string;
}

/** Whether the rules can use a punch: null when they can, the reason when they cannot. */
export function unusableReason(punch: PunchInput, rules: RulesConfig): string | null {
  try {
    assertPunchConsistent(punch);
    assignAttendanceDay(punch, rules);
    return null;
  } catch (error) {
    if (error instanceof InvalidRecordError) return describeError(error);
    throw error;
  }
}

/**
 * The daily records of the usable punches, and the punches left out. One bad stored punch (an
 * instant that no longer matches its wall clock, a zone the runtime does not know) must not stop
 * every other record: the common case builds in one pass, and only when the rules refuse a punch
 * is each one checked on its own. Rules that are invalid still throw ConfigurationError.
 */
export function buildUsableDays(
  punches: readonly PunchInput[],
  rules: RulesConfig,
): { days: AttendanceDay[]; unusable: UnusablePunch[] } {
  try {
    return { days: buildAttendanceDays(punches, rules), unusable: [] };
  } catch (error) {
    if (!(error instanceof InvalidRecordError)) throw error;
  }
  const usable: PunchInput[] = [];
  const unusable: UnusablePunch[] = [];
  for (const punch of punches) {
    const reason = unusableReason(punch, rules);
    if (reason === null) usable.push(punch);
    else unusable.push({ punch, reason });
  }
  return { days: buildAttendanceDays(usable, rules), unusable };
}
