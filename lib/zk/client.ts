import {
  CommKeyRefusedError,
  ConfigurationError,
  DeviceBusyError,
  DeviceProtocolError,
  DeviceUnreachableError,
} from '../errors.js';
import { type ConnectionOptions, deviceLabel, ZkConnection, type ZkEvent } from './client-connection.js';
import { type ReadProgress, readBufferedDataset, readDirectDataset, refused } from './client-transfer.js';
import {
  type AttendanceRecord,
  type AttendanceRecordSize,
  attendanceRecordSize,
  Cmd,
  commandName,
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
  makeCommKey,
  readTerminatedString,
  type UserRecordSize,
  userRecordSize,
  type WallClock,
} from './codec.js';

export type { ZkEvent } from './client-connection.js';
export type { ReadProgress } from './client-transfer.js';

export interface ZkClientOptions {
  host: string;
  port: number;
  /** The device's comm key; 0 or undefined = none. */
  commKey?: number;
  /** TCP connect deadline; default 4000. */
  connectTimeoutMs?: number;
  /** Deadline for each reply (and for each packet of a chunk); default 5000. */
  requestTimeoutMs?: number;
  /** What a packet with a wrong checksum does: fail the session (default) or only warn. */
  checksumMismatch?: 'reject' | 'log';
  onWarning?: (message: string) => void;
  /** Real-time events (cmd 500); they are acknowledged whether or not a handler is given. */
  onEvent?: (event: ZkEvent) => void;
  /** How long to wait for the ACK_OK closing a data chunk before going on; default 250. */
  closingAckGraceMs?: number;
  /** Reply number of CONNECT: pyzk starts at 0, node-zklib at 1; default 1. */
  firstReplyNumber?: number;
}

export interface DeviceIdentity {
  serialNumber: string;
  platform: string;
  firmwareVersion: string;
  deviceName: string;
}

export interface AttendanceRead {
  records: AttendanceRecord[];
  freeSizes: FreeSizes;
  recordSize: AttendanceRecordSize;
}

export interface UserTableRead {
  users: DeviceUser[];
  freeSizes: FreeSizes;
  recordSize: UserRecordSize;
}

export interface ReadAttendanceOptions {
  onProgress?: (progress: ReadProgress) => void;
  /**
   * Runs while the device is still disabled (no new punches can arrive). Resolving with
   * `{ clearLog: true }` clears the device log, so do it only after every record is committed.
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: an async callback that decides nothing returns void
  whileDisabled?: (read: AttendanceRead) => Promise<{ clearLog?: boolean } | void>;
}

const NO_DATA = Buffer.alloc(0);
const DEFAULTS = {
  connectTimeoutMs: 4000,
  requestTimeoutMs: 5000,
  closingAckGraceMs: 250,
  firstReplyNumber: 1,
};
/** EXIT is a courtesy; a silent device must not hold up closing for a whole request timeout. */
const EXIT_TIMEOUT_MS = 1000;

/**
 * A session with one ZKTeco terminal over TCP 4370. Calls are queued and run one at a time;
 * every failure is a rejected promise carrying an error class of `lib/errors.ts`.
 */
export class ZkClient {
  private tail: Promise<unknown> = Promise.resolve();
  private closing: Promise<void> | null = null;

  private constructor(
    private readonly connection: ZkConnection,
    private readonly closingAckGraceMs: number,
  ) {}

  /** Opens TCP, sends CONNECT and, when the device asks for it, AUTH with the comm key. */
  static async connect(options: ZkClientOptions): Promise<ZkClient> {
    const settings = resolveOptions(options);
    const connection = await ZkConnection.open(settings);
    try {
      await handshake(connection, options.commKey ?? 0);
    } catch (error) {
      connection.close();
      throw error;
    }
    return new ZkClient(connection, options.closingAckGraceMs ?? DEFAULTS.closingAckGraceMs);
  }

  get sessionId(): number {
    return this.connection.sessionId;
  }

  identity(): Promise<DeviceIdentity> {
    return this.exclusive(async () => {
      const serialNumber = await this.readOption('~SerialNumber', true);
      const platform = await this.readOption('~Platform', false);
      const deviceName = await this.readOption('~DeviceName', false);
      const version = await this.requireOk(Cmd.GET_VERSION, NO_DATA, 'reading the firmware version');
      return { serialNumber, platform, firmwareVersion: readTerminatedString(version.data), deviceName };
    });
  }

  getTime(): Promise<WallClock> {
    return this.exclusive(async () => {
      const reply = await this.requireOk(Cmd.GET_TIME, NO_DATA, 'reading the clock');
      if (reply.data.length < 4) {
        throw new DeviceProtocolError(`${this.connection.label} answered GET_TIME without a time`);
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
        const freeSizes = await this.readFreeSizes();
        const dataset = await this.readAndFree(doing, () =>
          readBufferedDataset(
            this.connection,
            { command: Cmd.ATTLOG_RRQ, fct: DatasetFct.ATTENDANCE },
            { doing, closingAckGraceMs: this.closingAckGraceMs, onProgress: options.onProgress },
          ),
        );
        const records = this.datasetRecords(dataset, doing);
        const recordSize = this.decodeStep(doing, () =>
          attendanceRecordSize(records.length, freeSizes.records),
        );
        const read: AttendanceRead = {
          records: decodeAttendanceRecordsOfSize(records, recordSize),
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
        const freeSizes = await this.readFreeSizes();
        const dataset = await this.readAndFree(doing, () =>
          readBufferedDataset(
            this.connection,
            { command: Cmd.USERTEMP_RRQ, fct: DatasetFct.USERS },
            { doing, closingAckGraceMs: this.closingAckGraceMs, onProgress: options.onProgress },
          ),
        );
        const records = this.datasetRecords(dataset, doing);
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
    return this.exclusive(() =>
      this.readAndFree(doing, () =>
        readBufferedDataset(this.connection, request, {
          doing,
          closingAckGraceMs: this.closingAckGraceMs,
          onProgress: options.onProgress,
        }),
      ),
    );
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
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }

  private async readFreeSizes(): Promise<FreeSizes> {
    const reply = await this.requireOk(Cmd.GET_FREE_SIZES, NO_DATA, 'reading the record counts');
    return this.decodeStep('reading the record counts', () => decodeFreeSizes(reply.data));
  }

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

  /** Runs `task` with the device disabled, and re-enables it on every path. */
  private async whileDisabled<T>(doing: string, task: () => Promise<T>): Promise<T> {
    await this.requireOk(Cmd.DISABLE_DEVICE, NO_DATA, `disabling the device before ${doing}`);
    let result: T;
    try {
      result = await task();
    } catch (error) {
      await this.bestEffort(Cmd.ENABLE_DEVICE, `re-enabling the device after a failure ${doing}`);
      throw error;
    }
    await this.requireOk(Cmd.ENABLE_DEVICE, NO_DATA, `re-enabling the device after ${doing}`);
    return result;
  }

  /** Runs a buffered read and frees the device's buffer afterwards, whatever happened. */
  private async readAndFree(doing: string, read: () => Promise<Buffer>): Promise<Buffer> {
    try {
      return await read();
    } finally {
      await this.bestEffort(Cmd.FREE_DATA, `freeing the device buffer after ${doing}`);
    }
  }

  /** A clean-up command whose failure must not hide the error that made it necessary. */
  private async bestEffort(command: number, doing: string): Promise<void> {
    if (!this.connection.isOpen) return;
    try {
      await this.requireOk(command, NO_DATA, doing);
    } catch (error) {
      this.connection.options.onWarning(error instanceof Error ? error.message : String(error));
    }
  }

  private datasetRecords(dataset: Buffer, doing: string): Buffer {
    if (dataset.length === 0) return dataset;
    return this.decodeStep(doing, () => decodeDataset(dataset).records);
  }

  /** Decoder errors say what is wrong with the bytes; this adds which device and which read. */
  private decodeStep<T>(doing: string, step: () => T): T {
    try {
      return step();
    } catch (error) {
      if (error instanceof DeviceProtocolError) {
        throw new DeviceProtocolError(`${this.connection.label} ${doing}: ${error.message}`, {
          cause: error,
        });
      }
      throw error;
    }
  }
}

async function handshake(connection: ZkConnection, commKey: number): Promise<void> {
  const label = connection.label;
  let reply: DecodedPacket;
  try {
    reply = await connection.send(Cmd.CONNECT, NO_DATA, 'opening a session (CMD_CONNECT)').next();
  } catch (error) {
    if (error instanceof DeviceUnreachableError && connection.closedByPeer) {
      throw new DeviceBusyError(
        `${label} closed the connection before answering CMD_CONNECT; another program may hold its session`,
        { cause: error },
      );
    }
    throw error;
  }
  // The session id is in the session field of the reply, whether it is ACK_OK or ACK_UNAUTH.
  connection.sessionId = reply.session;
  if (reply.command === Cmd.ACK_OK) return;
  if (reply.command !== Cmd.ACK_UNAUTH) {
    throw new DeviceProtocolError(`${label} answered CMD_CONNECT with ${commandLabel(reply)}`);
  }
  if (!commKey) {
    throw new CommKeyRefusedError(`${label} requires a comm key and none is configured for it`);
  }
  const auth = connection.send(
    Cmd.AUTH,
    makeCommKey(commKey, reply.session),
    'sending the comm key (CMD_AUTH)',
  );
  const authReply = await auth.next();
  if (authReply.command === Cmd.ACK_OK) return;
  if (authReply.command === Cmd.ACK_UNAUTH) {
    throw new CommKeyRefusedError(`${label} refused the comm key`);
  }
  throw new DeviceProtocolError(`${label} answered CMD_AUTH with ${commandLabel(authReply)}`);
}

function commandLabel(packet: DecodedPacket): string {
  return commandName(packet.command);
}

function resolveOptions(options: ZkClientOptions): ConnectionOptions {
  const label = deviceLabel(options);
  if (!options.host) throw new ConfigurationError('a device needs a host name or IP address');
  if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65535) {
    throw new ConfigurationError(`${label}: the port must be an integer from 1 to 65535`);
  }
  const commKey = options.commKey ?? 0;
  if (!Number.isInteger(commKey) || commKey < 0 || commKey > 0xffffffff) {
    throw new ConfigurationError(`${label}: the comm key must be a whole number from 0 to 4294967295`);
  }
  const firstReplyNumber = options.firstReplyNumber ?? DEFAULTS.firstReplyNumber;
  if (!Number.isInteger(firstReplyNumber) || firstReplyNumber < 0 || firstReplyNumber > 65534) {
    throw new ConfigurationError(`${label}: the first reply number must be from 0 to 65534`);
  }
  return {
    host: options.host,
    port: options.port,
    connectTimeoutMs: options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs,
    requestTimeoutMs: options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs,
    checksumMismatch: options.checksumMismatch ?? 'reject',
    firstReplyNumber,
    onWarning: options.onWarning ?? (() => {}),
    onEvent: options.onEvent,
  };
}
