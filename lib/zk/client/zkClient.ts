import { ConfigurationError, DeviceProtocolError, DeviceUnreachableError } from '../../errors.js';
import {
  type AttendanceRecord,
  type AttendanceRecordSize,
  attendanceRecordSize,
  Cmd,
  DatasetFct,
  type DecodedPacket,
  type DeviceUser,
  decodeAttendanceRecordsOfSize,
  decodeDataset,
  decodeFreeSizes,
  decodeOptionReply,
  decodeTime,
  decodeUser,
  encodeOptionRequest,
  encodeTime,
  type FreeSizes,
  formatWallClock,
  isValidWallClock,
  readTerminatedString,
  type UserRecordSize,
  userRecordSize,
  type WallClock,
} from '../codec/index.js';
import { ZkConnection } from './connection.js';
import { handshake } from './handshake.js';
import { resolveClientOptions, type ZkClientOptions } from './options.js';
import { type ReadProgress, readBufferedDataset, readDirectDataset, refused } from './transfer.js';

export interface DeviceIdentity {
  serialNumber: string;
  platform: string;
  firmwareVersion: string;
  deviceName: string;
}

export interface AttendanceRead {
  /** The decoded records, from `firstRecord` to the end of the log. */
  records: AttendanceRecord[];
  /** Index in the log of `records[0]`: the records before it were read but not decoded. */
  firstRecord: number;
  /** Records in the whole log as read (not the device's count, which `freeSizes` holds). */
  totalRecords: number;
  /** The whole log's record bytes as read (without the dataset's u32 total). */
  dataset: Buffer;
  freeSizes: FreeSizes;
  recordSize: AttendanceRecordSize;
}

/** The log as read, before decoding. */
export interface RawAttendanceLog {
  dataset: Buffer;
  recordSize: AttendanceRecordSize;
  totalRecords: number;
  freeSizes: FreeSizes;
}

export interface UserTableRead {
  users: DeviceUser[];
  freeSizes: FreeSizes;
  recordSize: UserRecordSize;
}

export interface ReadAttendanceOptions {
  onProgress?: (progress: ReadProgress) => void;
  /** How many leading records need no decoding (a caller that already holds them); 0 by default. */
  firstRecordToDecode?: (log: RawAttendanceLog) => number;
  /**
   * Runs while the device is still disabled (no new punches can arrive). Resolving with
   * `{ clearLog: true }` clears the device log, so do it only after every record is committed.
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: an async callback that decides nothing returns void
  whileDisabled?: (read: AttendanceRead) => Promise<{ clearLog?: boolean } | void>;
}

const NO_DATA = Buffer.alloc(0);
/** EXIT is a courtesy; a silent device must not hold up closing for a whole request timeout. */
const EXIT_TIMEOUT_MS = 1000;

/**
 * A session with one ZKTeco terminal over TCP 4370. Calls are queued and run one at a time;
 * every failure is a rejected promise carrying an error class of `lib/errors.ts`.
 */
export class ZkClient {
  private tail: Promise<unknown> = Promise.resolve();
  private closing: Promise<void> | null = null;
  private disabled = false;

  private constructor(
    private readonly connection: ZkConnection,
    private readonly closingAckGraceMs: number,
  ) {}

  /** Opens TCP, sends CONNECT and, when the device asks for it, AUTH with the comm key. */
  static async connect(options: ZkClientOptions): Promise<ZkClient> {
    const settings = resolveClientOptions(options);
    const connection = await ZkConnection.open(settings.connection);
    try {
      await handshake(connection, settings.commKey);
    } catch (error) {
      connection.close();
      throw error;
    }
    return new ZkClient(connection, settings.closingAckGraceMs);
  }

  get sessionId(): number {
    return this.connection.sessionId;
  }

  /**
   * True from the moment DISABLE is sent until an ENABLE is acknowledged: the terminal may be
   * refusing fingerprints because of this session (a lost connection leaves it so).
   */
  get mayHaveLeftDeviceDisabled(): boolean {
    return this.disabled;
  }

  /** ENABLEDEVICE on its own: unlocks a terminal an earlier session left disabled. */
  enableDevice(): Promise<void> {
    return this.exclusive(async () => {
      await this.requireOk(Cmd.ENABLE_DEVICE, NO_DATA, 'enabling the device');
      this.disabled = false;
    });
  }

  /** Serial number (required), platform, device name and firmware version. */
  identity(): Promise<DeviceIdentity> {
    return this.exclusive(async () => {
      const serialNumber = await this.readOption('~SerialNumber', true);
      const platform = await this.readOption('~Platform', false);
      const deviceName = await this.readOption('~DeviceName', false);
      const version = await this.requireOk(Cmd.GET_VERSION, NO_DATA, 'reading the firmware version');
      return { serialNumber, platform, firmwareVersion: readTerminatedString(version.data), deviceName };
    });
  }

  /** The device's wall clock, as raw fields (may be invalid on a device that lost its date). */
  getTime(): Promise<WallClock> {
    return this.exclusive(async () => {
      const reply = await this.requireOk(Cmd.GET_TIME, NO_DATA, 'reading the clock');
      if (reply.data.length < 4) {
        throw new DeviceProtocolError(`${this.connection.label} answered CMD_GET_TIME without a time`);
      }
      return decodeTime(reply.data.readUInt32LE(0));
    });
  }

  setTime(time: WallClock): Promise<void> {
    return this.exclusive(async () => {
      if (!isValidWallClock(time)) {
        throw new ConfigurationError(
          `cannot set ${this.connection.label} to ${formatWallClock(time)}: not a date the device can store`,
        );
      }
      const data = Buffer.alloc(4);
      data.writeUInt32LE(encodeTime(time), 0);
      await this.requireOk(Cmd.SET_TIME, data, `setting the clock to ${formatWallClock(time)}`);
      await this.requireOk(Cmd.REFRESHDATA, NO_DATA, 'refreshing the device after setting its clock');
    });
  }

  freeSizes(): Promise<FreeSizes> {
    return this.exclusive(() => this.readFreeSizes());
  }

  /** Asks for real-time events (1 = attendance, 0 = none); repeat after every reconnect. */
  registerEvents(flags: number): Promise<void> {
    return this.exclusive(async () => {
      const data = Buffer.alloc(4);
      data.writeUInt32LE(flags, 0);
      await this.requireOk(Cmd.REG_EVENT, data, `registering for events (flags ${flags})`);
    });
  }

  /**
   * Reads the whole attendance log while the device is disabled: DISABLE, free sizes, buffered
   * read, decode, then `whileDisabled`; FREE_DATA and ENABLE always follow.
   */
  readAttendance(options: ReadAttendanceOptions = {}): Promise<AttendanceRead & { cleared: boolean }> {
    const doing = 'reading the attendance log';
    return this.exclusive(() =>
      this.whileDisabled(doing, async () => {
        const { freeSizes, records } = await this.readTable(
          doing,
          Cmd.ATTLOG_RRQ,
          DatasetFct.ATTENDANCE,
          options,
        );
        const recordSize = this.decodeStep(doing, () =>
          attendanceRecordSize(records.length, freeSizes.records),
        );
        const totalRecords = records.length / recordSize;
        const raw: RawAttendanceLog = { dataset: records, recordSize, totalRecords, freeSizes };
        const skip = options.firstRecordToDecode?.(raw) ?? 0;
        const firstRecord = Math.min(Math.max(0, Math.floor(skip)), totalRecords);
        const read: AttendanceRead = {
          records: this.decodeStep(doing, () =>
            decodeAttendanceRecordsOfSize(records.subarray(firstRecord * recordSize), recordSize),
          ),
          firstRecord,
          totalRecords,
          dataset: records,
          freeSizes,
          recordSize,
        };
        const decision = options.whileDisabled ? await options.whileDisabled(read) : undefined;
        if (!decision?.clearLog) return { ...read, cleared: false };
        await this.requireOk(Cmd.CLEAR_ATTLOG, NO_DATA, 'clearing the attendance log');
        await this.requireOk(Cmd.REFRESHDATA, NO_DATA, 'refreshing the device after clearing its log');
        return { ...read, cleared: true };
      }),
    );
  }

  async readUsers(options: { onProgress?: (progress: ReadProgress) => void } = {}): Promise<DeviceUser[]> {
    return (await this.readUserTable(options)).users;
  }

  /** The user table with the counts it was checked against and its record size. */
  readUserTable(options: { onProgress?: (progress: ReadProgress) => void } = {}): Promise<UserTableRead> {
    const doing = 'reading the user table';
    return this.exclusive(() =>
      this.whileDisabled(doing, async () => {
        const { freeSizes, records } = await this.readTable(
          doing,
          Cmd.USERTEMP_RRQ,
          DatasetFct.USERS,
          options,
        );
        const recordSize = this.decodeStep(doing, () => userRecordSize(records.length, freeSizes.users));
        const users: DeviceUser[] = [];
        for (let offset = 0; offset < records.length; offset += recordSize) {
          users.push(decodeUser(records.subarray(offset, offset + recordSize), recordSize));
        }
        return { users, freeSizes, recordSize };
      }),
    );
  }

  /** A raw dataset through the device buffer (1503/1504), without disabling the device. */
  readBufferedDataset(
    request: { command: number; fct: number; ext?: number },
    options: { onProgress?: (progress: ReadProgress) => void } = {},
  ): Promise<Buffer> {
    const doing = `reading dataset ${request.command}/${request.fct}`;
    return this.exclusive(() => this.readAndFree(doing, request, options.onProgress));
  }

  /** The legacy direct read: `command` answered with PREPARE_DATA/CMD_DATA/ACK_OK (or inline CMD_DATA). */
  readDirectDataset(
    command: number,
    data: Buffer = NO_DATA,
    options: { onProgress?: (progress: ReadProgress) => void } = {},
  ): Promise<Buffer> {
    const doing = `reading data with command ${command}`;
    return this.exclusive(() =>
      readDirectDataset(this.connection, command, data, {
        doing,
        closingAckGraceMs: this.closingAckGraceMs,
        onProgress: options.onProgress,
      }),
    );
  }

  /** EXIT (best effort), then the socket is destroyed. Safe to call more than once. */
  close(): Promise<void> {
    this.closing ??= this.enqueue(async () => {
      if (this.connection.isOpen) {
        try {
          await this.connection.send(Cmd.EXIT, NO_DATA, 'ending the session').next(EXIT_TIMEOUT_MS);
        } catch {
          // The device may already be gone; the socket is destroyed either way.
        }
      }
      this.connection.close();
    });
    return this.closing;
  }

  /** Queues `task` behind every earlier call: the device serves one request at a time. */
  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    if (this.closing) {
      return Promise.reject(
        new DeviceUnreachableError(`the session with ${this.connection.label} is closed`),
      );
    }
    return this.enqueue(task);
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task).finally(() => this.connection.endExchange());
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Free sizes (counted while disabled), then the table's records without their u32 total. */
  private async readTable(
    doing: string,
    command: number,
    fct: number,
    options: { onProgress?: (progress: ReadProgress) => void },
  ): Promise<{ freeSizes: FreeSizes; records: Buffer }> {
    const freeSizes = await this.readFreeSizes();
    const dataset = await this.readAndFree(doing, { command, fct }, options.onProgress);
    // An empty log may come back as an empty buffer rather than a bare u32 total of 0.
    const records =
      dataset.length === 0 ? dataset : this.decodeStep(doing, () => decodeDataset(dataset).records);
    return { freeSizes, records };
  }

  /** A buffered read that frees the device's buffer afterwards, whatever happened. */
  private async readAndFree(
    doing: string,
    request: { command: number; fct: number; ext?: number },
    onProgress?: (progress: ReadProgress) => void,
  ): Promise<Buffer> {
    try {
      return await readBufferedDataset(this.connection, request, {
        doing,
        closingAckGraceMs: this.closingAckGraceMs,
        onProgress,
      });
    } finally {
      await this.bestEffort(Cmd.FREE_DATA, `freeing the device buffer after ${doing}`);
    }
  }

  private async readFreeSizes(): Promise<FreeSizes> {
    const reply = await this.requireOk(Cmd.GET_FREE_SIZES, NO_DATA, 'reading the record counts');
    return this.decodeStep('reading the record counts', () => decodeFreeSizes(reply.data));
  }

  /** An option's value; an optional one the firmware does not know (ACK_ERROR) reads as ''. */
  private async readOption(key: string, required: boolean): Promise<string> {
    const exchange = this.connection.send(Cmd.OPTIONS_RRQ, encodeOptionRequest(key), `reading option ${key}`);
    const reply = await exchange.next();
    if (reply.command === Cmd.ACK_OK) return decodeOptionReply(reply.data).value;
    if (required || reply.command !== Cmd.ACK_ERROR) throw refused(this.connection, exchange, reply);
    return '';
  }

  private async requireOk(command: number, data: Buffer, doing: string): Promise<DecodedPacket> {
    const exchange = this.connection.send(command, data, doing);
    const reply = await exchange.next();
    if (reply.command !== Cmd.ACK_OK && reply.command !== Cmd.ACK_DATA) {
      throw refused(this.connection, exchange, reply);
    }
    return reply;
  }

  /** Runs `task` with the device disabled (no punches meanwhile), and re-enables it on every path. */
  private async whileDisabled<T>(doing: string, task: () => Promise<T>): Promise<T> {
    // Set before sending: the device may act on a DISABLE whose answer never arrives.
    this.disabled = true;
    await this.requireOk(Cmd.DISABLE_DEVICE, NO_DATA, `disabling the device before ${doing}`);
    let result: T;
    try {
      result = await task();
    } catch (error) {
      if (await this.bestEffort(Cmd.ENABLE_DEVICE, `re-enabling the device after a failure ${doing}`))
        this.disabled = false;
      throw error;
    }
    await this.requireOk(Cmd.ENABLE_DEVICE, NO_DATA, `re-enabling the device after ${doing}`);
    this.disabled = false;
    return result;
  }

  /** A clean-up command whose failure must not hide the error that made it necessary. */
  private async bestEffort(command: number, doing: string): Promise<boolean> {
    if (!this.connection.isOpen) return false;
    try {
      await this.requireOk(command, NO_DATA, doing);
      return true;
    } catch (error) {
      this.connection.options.onWarning(error instanceof Error ? error.message : String(error));
      return false;
    }
  }

  /** Decoder errors say what is wrong with the bytes; this adds which device and which read. */
  private decodeStep<T>(doing: string, step: () => T): T {
    try {
      return step();
    } catch (error) {
      if (!(error instanceof DeviceProtocolError)) throw error;
      throw new DeviceProtocolError(`${this.connection.label} ${doing}: ${error.message}`, { cause: error });
    }
  }
}
