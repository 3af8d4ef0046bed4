export { buildAttendanceDays } from './build.js';
export { dayChangeMinutes, defaultRulesConfig, validateRulesConfig } from './config.js';
export { attendanceDayContentKey } from './contentKey.js';
export { assignAttendanceDay, attendanceDayOfWallClock } from './day.js';
export { DEVICE_CLOCK_OFF, deviceClockFlags, MISSING_CLOCK_OUT } from './flags.js';
export { OutlierFlag, outlierFlags, outlierLimits, outlierReason } from './outliers.js';
export { debouncePunches } from './pairing.js';
export { assertPunchConsistent } from './punchCheck.js';
export type { AttendanceDay, OutlierCheckInput, PunchInput, PunchMoment, RulesConfig } from './types.js';
