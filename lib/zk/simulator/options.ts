import { ConfigurationError } from '../../errors.js';
import {
  ATTENDANCE_RECORD_SIZES,
  type AttendanceRecordSize,
  USER_RECORD_SIZES,
  type UserRecordSize,
} from '../codec/index.js';
import { hostTimezone } from './clock.js';
import { DEFAULT_START_DATE, DEFAULT_USER_ID_WIDTH, type GeneratedLog } from './generatedLog.js';

/**
 * How reply packets reach the socket. `separate`: one write per packet and a short pause, as most
 * terminals do (node-zklib only reads this form). `coalesced`: a whole reply in one write.
 * `fragmented`: the reply cut at seeded random points, also inside headers.
 */
export type WriteMode = 'separate' | 'coalesced' | 'fragmented';
export const WRITE_MODES: readonly WriteMode[] = ['separate', 'coalesced', 'fragmented'];

/** What a full attendance log does with the next punch: refuse it, or delete the oldest. */
export type LogFullBehaviour = 'stop' | 'rollover';

export type SimulatorLogLevel = 'info' | 'warn';
export type SimulatorLog = (level: SimulatorLogLevel, message: string) => void;

export interface SimulatorOptions {
  /** 0 lets the OS pick a free port. */
  port?: number;
  host?: string;
  /** 0 = no comm key; otherwise CONNECT gets ACK_UNAUTH and AUTH must prove this key. */
  commKey?: number;

  seed?: number | string;
  users?: number;
  punches?: number;
  /** First day of the generated log, 'YYYY-MM-DD'. */
  startDate?: string;
  /** Longest generated user id, and the PIN width the device reports. */
  userIdWidth?: number;
  /** Serve exactly these users and punches instead of generating a log. */
  initialLog?: GeneratedLog;

  recordSize?: AttendanceRecordSize;
  userSize?: UserRecordSize;
  recordCapacity?: number;
  logFull?: LogFullBehaviour;
  /** How many of the oldest punches a full log deletes at once under 'rollover'. */
  rolloverDeleteCount?: number;
  userCapacity?: number;
  fingerprintCapacity?: number;

  /** Datasets up to this many bytes (u32 total included) come inline in one CMD_DATA; 0 = always buffered. */
  inlineThresholdBytes?: number;
  /** Largest CMD_DATA of a DATA_RDY chunk; 0 = the chunk in one CMD_DATA. */
  splitDataBytes?: number;
  writeMode?: WriteMode;
  /** Pause after each write in 'separate' mode, so every packet arrives as its own read. */
  writeDelayMs?: number;

  serialNumber?: string;
  platform?: string;
  firmwareVersion?: string;
  deviceName?: string;
  macAddress?: string;

  /** IANA zone of the device clock. */
  timezone?: string;
  /** Device clock = true time in `timezone` + this offset; SET_TIME changes it. */
  clockOffsetSeconds?: number;
  /** Epoch milliseconds, for tests that must not depend on the real time. */
  now?: () => number;

  /** Session id handed to every connection; by default a seeded random one per connection. */
  sessionId?: number;
  /** Fault: DATA_WRRQ (1503) is never answered. */
  ignoreDataWrrq?: boolean;
  /** Fault: the connection is closed in the middle of the k-th DATA_RDY chunk (1-based), on `times` connections. */
  dropAtChunk?: { chunk: number; times?: number };
  /** Fault: these command codes are answered with ACK_ERROR. */
  ackErrorOn?: number[];
  /** A second concurrent connection is closed at once, like terminals that serve one session. */
  refuseSecondSession?: boolean;
  /** Re-enable the device when the session that disabled it ends without ENABLE. Off: it stays disabled. */
  enableOnDisconnect?: boolean;

  log?: SimulatorLog;
}

export interface ResolvedSimulatorOptions
  extends Required<Omit<SimulatorOptions, 'initialLog' | 'sessionId' | 'dropAtChunk' | 'now'>> {
  initialLog?: GeneratedLog;
  sessionId?: number;
  dropAtChunk?: { chunk: number; times: number };
  now: () => number;
}

export const SIMULATOR_DEFAULTS = {
  port: 0,
  host: '127.0.0.1',
  commKey: 0,
  seed: 1,
  users: 50,
  punches: 1000,
  startDate: DEFAULT_START_DATE,
  userIdWidth: DEFAULT_USER_ID_WIDTH,
  recordSize: 40,
  userSize: 72,
  recordCapacity: 100_000,
  logFull: 'stop',
  rolloverDeleteCount: 1,
  userCapacity: 5000,
  fingerprintCapacity: 3000,
  inlineThresholdBytes: 1024,
  splitDataBytes: 1008,
  writeMode: 'separate',
  writeDelayMs: 1,
  platform: 'ZMM210_TFT',
  firmwareVersion: 'Ver 6.60 Apr 26 2016',
  deviceName: 'F18',
  clockOffsetSeconds: 0,
  ignoreDataWrrq: false,
  ackErrorOn: [] as number[],
  refuseSecondSession: false,
  enableOnDisconnect: false,
} as const;

const defaultLog: SimulatorLog = (level, message) => {
  if (level === 'warn') console.warn(`[zk-simulator] ${message}`);
};

export function resolveSimulatorOptions(options: SimulatorOptions = {}): ResolvedSimulatorOptions {
  const merged = { ...SIMULATOR_DEFAULTS, ...withoutUndefined(options) };
  const seed = merged.seed;
  const resolved: ResolvedSimulatorOptions = {
    ...merged,
    ackErrorOn: [...merged.ackErrorOn],
    serialNumber: options.serialNumber ?? serialNumberFor(seed),
    macAddress: options.macAddress ?? macAddressFor(seed),
    timezone: options.timezone ?? hostTimezone(),
    now: options.now ?? Date.now,
    log: options.log ?? defaultLog,
    dropAtChunk: options.dropAtChunk && {
      chunk: options.dropAtChunk.chunk,
      times: options.dropAtChunk.times ?? 1,
    },
  };
  validate(resolved);
  return resolved;
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function validate(o: ResolvedSimulatorOptions): void {
  const wholeNumber = (name: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER) => {
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new ConfigurationError(
        `simulator option ${name} must be a whole number from ${min} to ${max}, got ${value}`,
      );
    }
  };
  wholeNumber('port', o.port, 0, 65_535);
  wholeNumber('commKey', o.commKey, 0, 0xffff_ffff);
  wholeNumber('recordCapacity', o.recordCapacity, 1);
  wholeNumber('rolloverDeleteCount', o.rolloverDeleteCount, 1);
  wholeNumber('userCapacity', o.userCapacity, 0);
  wholeNumber('fingerprintCapacity', o.fingerprintCapacity, 0);
  wholeNumber('inlineThresholdBytes', o.inlineThresholdBytes, 0);
  wholeNumber('splitDataBytes', o.splitDataBytes, 0, 0xffc0);
  wholeNumber('writeDelayMs', o.writeDelayMs, 0, 10_000);
  wholeNumber('clockOffsetSeconds', o.clockOffsetSeconds, -(100 * 366 * 86_400), 100 * 366 * 86_400);
  if (o.sessionId !== undefined) wholeNumber('sessionId', o.sessionId, 1, 0xfffe);
  if (o.dropAtChunk) {
    wholeNumber('dropAtChunk.chunk', o.dropAtChunk.chunk, 1);
    wholeNumber('dropAtChunk.times', o.dropAtChunk.times, 1);
  }
  for (const code of o.ackErrorOn) wholeNumber('ackErrorOn[]', code, 0, 0xffff);
  if (!ATTENDANCE_RECORD_SIZES.includes(o.recordSize)) {
    throw new ConfigurationError(
      `simulator option recordSize must be one of ${ATTENDANCE_RECORD_SIZES.join(', ')}, got ${o.recordSize}`,
    );
  }
  if (!USER_RECORD_SIZES.includes(o.userSize)) {
    throw new ConfigurationError(`simulator option userSize must be 72 or 28, got ${o.userSize}`);
  }
  if (!WRITE_MODES.includes(o.writeMode)) {
    throw new ConfigurationError(
      `simulator option writeMode must be one of ${WRITE_MODES.join(', ')}, got '${o.writeMode}'`,
    );
  }
  if (o.logFull !== 'stop' && o.logFull !== 'rollover') {
    throw new ConfigurationError(`simulator option logFull must be 'stop' or 'rollover', got '${o.logFull}'`);
  }
}

/** A serial in the shape F18s print on their label, stable for a seed. */
function serialNumberFor(seed: number | string): string {
  return `BJ2C${String(hash(`serial:${seed}`) % 1_000_000_000).padStart(9, '0')}`;
}

/** ZKTeco's own OUI (00:17:61), with the device part taken from the seed. */
function macAddressFor(seed: number | string): string {
  const value = hash(`mac:${seed}`);
  const bytes = [(value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff];
  return ['00', '17', '61', ...bytes.map((b) => b.toString(16).padStart(2, '0'))].join(':');
}

function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
