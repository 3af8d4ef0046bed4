export { buildUsableDays, type UnusablePunch, unusableReason } from './build.js';
export {
  addCounts,
  emptyCounts,
  type ProcessingCounts,
  type ProcessResponse,
  toProcessResponse,
} from './counts.js';
export { DEFAULT_PUNCH_BATCH_SIZE } from './defaults.js';
export { type PendingOptions, type PendingResult, processPendingPunches } from './pending.js';
export { type DateRangeOptions, processDateRange, type RangeProgress } from './range.js';
export { contentDigest, toDayRecord } from './records.js';
export { attendanceDayWindow, attendanceRangeWindow } from './windows.js';
