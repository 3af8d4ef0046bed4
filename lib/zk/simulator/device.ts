import { ConfigurationError } from '../../errors.js';
import {
  type AttendanceRecordSize,
  type DeviceUser,
  encodeAttendanceRecord,
  encodeDataset,
  encodeUser,
  type FreeSizes,
  formatWallClock,
  isValidWallClock,
  parseWallClock,
  type UserRecordSize,
  type WallClock,
} from '../codec/index.js';
import type { DeviceClock } from './clock.js';
import type { GeneratedLog, SimPunch } from './generatedLog.js';
import { PunchState, VerifyType } from './generatedLog.js';
import type { LogFullBehaviour } from './options.js';

/** The device's ground truth, in the shape tests and `--dump` files compare against. */
export interface DeviceDump {
  users: { uid: number; user_id: string; name: string; privilege: number; card: number }[];
  punches: { user_id: string; timestamp: string; verify_type: number; punch_state: number }[];
}

/** A log as its dump: what a terminal holding it would show. */
export function dumpLog(log: GeneratedLog): DeviceDump {
  return {
    users: log.users.map((user) => ({
      uid: user.uid,
      user_id: user.userId,
      name: user.name,
      privilege: user.privilege,
      card: user.cardNumber,
    })),
    punches: log.punches.map((punch) => ({
      user_id: punch.userId,
      timestamp: formatWallClock(punch.time),
      verify_type: punch.verifyType,
      punch_state: punch.state,
    })),
  };
}

export interface PunchInput {
  userId: string;
  /** Device wall-clock time; the device clock's current reading when left out. */
  time?: WallClock | string;
  verifyType?: number;
  state?: number;
}

/** What happened to a punch presented at the terminal. */
export type PunchOutcome = 'recorded' | 'refused-disabled' | 'refused-log-full';

export interface DeviceIdentity {
  serialNumber: string;
  platform: string;
  firmwareVersion: string;
  deviceName: string;
  macAddress: string;
  pinWidth: number;
}

export interface SimulatedDeviceConfig {
  initialLog: GeneratedLog;
  clock: DeviceClock;
  identity: DeviceIdentity;
  recordCapacity: number;
  logFull: LogFullBehaviour;
  rolloverDeleteCount: number;
  userCapacity: number;
  fingerprintCapacity: number;
}

interface LogEntry {
  uid: number;
  punch: SimPunch;
}

/**
 * The terminal's state without any networking: enrolled users, the attendance log with its
 * capacity, the enabled flag, options and the clock. Sessions read and change it through the
 * protocol; tests read it through `dump()`.
 */
export class SimulatedDevice {
  readonly clock: DeviceClock;
  readonly identity: DeviceIdentity;
  /** Every change of the enabled flag, oldest first, with the real time it happened. */
  readonly enabledChanges: { enabled: boolean; atMs: number }[] = [];
  private enabledValue = true;
  private users: DeviceUser[];
  private usersById: Map<string, DeviceUser>;
  private log: LogEntry[];
  private fingerprintsCleared = false;
  private readonly options = new Map<string, string>();
  private readonly config: SimulatedDeviceConfig;

  constructor(config: SimulatedDeviceConfig) {
    this.config = config;
    this.clock = config.clock;
    this.identity = config.identity;
    this.users = config.initialLog.users.map((user) => ({ ...user }));
    this.usersById = new Map(this.users.map((user) => [user.userId, user]));
    this.log = config.initialLog.punches.map((punch) => {
      const user = this.usersById.get(punch.userId);
      if (!user)
        throw new ConfigurationError(
          `punch of user '${punch.userId}' in the initial log has no enrolled user`,
        );
      return { uid: user.uid, punch: { ...punch, time: { ...punch.time } } };
    });
    if (this.log.length > config.recordCapacity) {
      // A full log either stopped recording (keeps the first) or rolled over (keeps the newest).
      this.log =
        config.logFull === 'stop'
          ? this.log.slice(0, config.recordCapacity)
          : this.log.slice(this.log.length - config.recordCapacity);
    }
    for (const [key, value] of Object.entries(initialOptions(config.identity))) this.options.set(key, value);
  }

  get enabled(): boolean {
    return this.enabledValue;
  }

  set enabled(value: boolean) {
    if (value !== this.enabledValue) this.enabledChanges.push({ enabled: value, atMs: Date.now() });
    this.enabledValue = value;
  }

  get recordCount(): number {
    return this.log.length;
  }

  get userCount(): number {
    return this.users.length;
  }

  /** A punch at the terminal. Throws only for input no terminal could produce (unknown user, bad time). */
  addPunch(input: PunchInput): PunchOutcome {
    const user = this.usersById.get(input.userId);
    if (!user) throw new ConfigurationError(`user '${input.userId}' is not enrolled on the simulated device`);
    const time =
      typeof input.time === 'string' ? parseWallClock(input.time) : (input.time ?? this.clock.read());
    if (!isValidWallClock(time)) {
      throw new ConfigurationError(`punch time ${formatWallClock(time)} is not a date the device can store`);
    }
    if (!this.enabled) return 'refused-disabled';
    if (this.log.length >= this.config.recordCapacity) {
      if (this.config.logFull === 'stop') return 'refused-log-full';
      this.log.splice(
        0,
        Math.max(this.config.rolloverDeleteCount, this.log.length - this.config.recordCapacity + 1),
      );
    }
    this.log.push({
      uid: user.uid,
      punch: {
        userId: user.userId,
        time: { ...time },
        verifyType: input.verifyType ?? VerifyType.Fingerprint,
        state: input.state ?? PunchState.CheckIn,
      },
    });
    return 'recorded';
  }

  /** The newest punch in the log. */
  lastPunch(): SimPunch | undefined {
    return this.log.at(-1)?.punch;
  }

  clearAttendance(): void {
    this.log = [];
  }

  clearUsers(): void {
    this.users = [];
    this.usersById.clear();
  }

  clearFingerprints(): void {
    this.fingerprintsCleared = true;
  }

  freeSizes(): FreeSizes {
    const { recordCapacity, userCapacity, fingerprintCapacity } = this.config;
    // Users enrolled without a card or password verify by finger: one template each.
    const fingerprints = this.fingerprintsCleared
      ? 0
      : this.users.filter((user) => user.cardNumber === 0 && user.password === '').length;
    return {
      users: this.users.length,
      fingerprints,
      records: this.log.length,
      opLogs: 0,
      admins: this.users.filter((user) => (user.privilege & 0b1110) !== 0).length,
      passwords: this.users.filter((user) => user.password !== '').length,
      fingerprintCapacity,
      userCapacity,
      recordCapacity,
      fingerprintsAvailable: Math.max(0, fingerprintCapacity - fingerprints),
      usersAvailable: Math.max(0, userCapacity - this.users.length),
      recordsAvailable: Math.max(0, recordCapacity - this.log.length),
    };
  }

  /** The attendance dataset as the firmware lays it out: u32 total | records. */
  attendanceDataset(size: AttendanceRecordSize): Buffer {
    const records = Buffer.alloc(this.log.length * size);
    this.log.forEach(({ uid, punch }, index) => {
      encodeAttendanceRecord({ uid, ...punch }, size).copy(records, index * size);
    });
    return encodeDataset(records);
  }

  usersDataset(size: UserRecordSize): Buffer {
    const records = this.users.map((user) => encodeUser(size === 28 ? fitNarrowLayout(user) : user, size));
    return encodeDataset(Buffer.concat(records));
  }

  option(key: string): string | undefined {
    return this.options.get(key);
  }

  setOption(key: string, value: string): void {
    this.options.set(key, value);
  }

  dump(): DeviceDump {
    return dumpLog({ users: this.users, punches: this.log.map(({ punch }) => punch) });
  }
}

/** The 28-byte layout has room for 5 password and 8 name bytes: the firmware keeps what fits. */
function fitNarrowLayout(user: DeviceUser): DeviceUser {
  return { ...user, password: user.password.slice(0, 5), name: user.name.slice(0, 8) };
}

/** Options an F18 answers to OPTIONS_RRQ; anything else gets ACK_ERROR. */
function initialOptions(identity: DeviceIdentity): Record<string, string> {
  return {
    '~SerialNumber': identity.serialNumber,
    '~Platform': identity.platform,
    '~DeviceName': identity.deviceName,
    MAC: identity.macAddress,
    '~PIN2Width': String(identity.pinWidth),
    '~ZKFPVersion': '10',
    '~OS': '1',
    '~IsOnlyRFMachine': '0',
    '~ExtendFmt': '0',
    '~UserExtFmt': '1',
    '~ProductTime': '2016-08-11 10:47:51',
    '~OEMVendor': 'ZKTeco Inc.',
    WorkCode: '0',
    FaceFunOn: '0',
    DeviceID: '1',
  };
}
