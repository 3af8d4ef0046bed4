/** The values the attendance rules take and return. Times of day are device wall-clock 'HH:MM'. */

export interface RulesConfig {
  /** WORK_START_TIME, 'HH:MM'. */
  workStart: string;
  /** WORK_END_TIME, 'HH:MM'; at or before workStart means the shift ends on the next calendar day. */
  workEnd: string;
  /** A clock-in more than this before workStart is 'Clock-in too early'. */
  clockInEarlyMinutes: number;
  /** A clock-in more than this after workStart is 'Clock-in too late'. */
  clockInLateMinutes: number;
  /** A clock-out more than this before workEnd is 'Clock-out too early'. */
  clockOutEarlyMinutes: number;
  /** A clock-out more than this after workEnd is 'Clock-out too late'. */
  clockOutLateMinutes: number;
  /** OVERNIGHT_SHIFT: punches before the day change belong to the previous day. */
  overnightShift: boolean;
  /** OVERNIGHT_SHIFT_BUFFER_HOURS: the derived day change is workEnd plus this. */
  overnightBufferHours: number;
  /** 'HH:MM': an explicit day change; overrides the derived one and applies even without overnightShift. */
  dayChangeTime?: string | null;
  /** A punch at most this long after the previous kept punch is a repeat and does not pair. */
  debounceSeconds: number;
  /** A device clock offset whose magnitude is above this flags the day. */
  clockOffsetThresholdSeconds: number;
}

export interface PunchInput {
  /** Stable punch id, as stored. */
  id: string;
  userId: string;
  deviceId: number;
  /** The device's local time, 'YYYY-MM-DDTHH:MM:SS'. */
  wallClock: string;
  /** The UTC instant computed from wallClock in timezone. */
  instant: Date;
  /** The device's IANA zone. */
  timezone: string;
  /** Punch state code; advisory only (255 = undefined). */
  state: number;
  verifyType: number;
  /** The device's measured clock offset when this punch was polled; null when unknown. */
  clockOffsetSeconds: number | null;
}

/** One end of an attendance day: the punch that opened or closed it. */
export interface PunchMoment {
  instant: Date;
  timezone: string;
  wallClock: string;
  punchId: string;
  deviceId: number;
}

export interface AttendanceDay {
  userId: string;
  /** The attendance day, 'YYYY-MM-DD': the day the shift started. */
  date: string;
  clockIn: PunchMoment;
  clockOut: PunchMoment | null;
  /** Every punch of the day, repeats included. */
  punchCount: number;
  /** Sorted, distinct. */
  deviceIds: number[];
  /** Every punch the record was built from, sorted. */
  punchIds: string[];
  isOutlier: boolean;
  /** The outlier flags joined with '; '; '' when none. */
  outlierReason: string;
  /** Flags beyond the outlier rules ('Missing clock-out', device clock offset); they never set isOutlier. */
  flags: string[];
}

/** What the outlier rules look at: the day and the wall clocks of its two ends. */
export interface OutlierCheckInput {
  date: string;
  clockIn: Pick<PunchMoment, 'wallClock'>;
  clockOut: Pick<PunchMoment, 'wallClock'> | null;
}
