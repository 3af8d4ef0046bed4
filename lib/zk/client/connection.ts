import { createConnection, type Socket } from 'node:net';
import {
  type BridgeError,
  DeviceProtocolError,
  DeviceTimeoutError,
  DeviceUnreachableError,
} from '../../errors.js';
import {
  Cmd,
  commandName,
  type DecodedPacket,
  decodePayload,
  encodeFrame,
  FrameReader,
  nextReplyNumber,
} from '../codec/index.js';

/** A packet the device pushed on its own (cmd 500); the event code travels in the session field. */
export interface ZkEvent {
  eventCode: number;
  data: Buffer;
}

export interface ConnectionOptions {
  host: string;
  port: number;
  connectTimeoutMs: number;
  requestTimeoutMs: number;
  checksumMismatch: 'reject' | 'log';
  /** Reply number of the first request (CONNECT); devices echo whatever they get. */
  firstReplyNumber: number;
  onWarning: (message: string) => void;
  onEvent?: (event: ZkEvent) => void;
}

const NO_DATA = Buffer.alloc(0);

/**
 * One TCP session with a device: frames the byte stream, numbers requests, matches replies by
 * their reply number, acknowledges events, and turns every socket failure into a typed error.
 * Nothing in here throws from a socket listener: failures reach the caller as rejected waits.
 */
export class ZkConnection {
  readonly label: string;
  sessionId = 0;
  private readonly reader = new FrameReader();
  private nextReply: number;
  private current: Exchange | null = null;
  private failure: BridgeError | null = null;
  private peerClosed = false;

  private constructor(
    private readonly socket: Socket,
    readonly options: ConnectionOptions,
  ) {
    this.label = deviceLabel(options);
    this.nextReply = options.firstReplyNumber;
    socket.setNoDelay(true);
    socket.on('data', this.onData);
    socket.on('error', this.onError);
    socket.on('close', this.onClose);
  }

  /** Opens the TCP connection; a refused, unreachable or silent host is a DeviceUnreachableError. */
  static open(options: ConnectionOptions): Promise<ZkConnection> {
    const label = deviceLabel(options);
    return new Promise((resolve, reject) => {
      const socket = createConnection({ host: options.host, port: options.port });
      const settle = (error: BridgeError | null) => {
        clearTimeout(timer);
        socket.removeListener('connect', onConnect);
        socket.removeListener('error', onError);
        if (error) {
          socket.on('error', () => {});
          socket.destroy();
          reject(error);
        } else {
          resolve(new ZkConnection(socket, options));
        }
      };
      const onConnect = () => settle(null);
      const onError = (error: NodeJS.ErrnoException) => settle(unreachable(label, error));
      const timer = setTimeout(
        () =>
          settle(
            new DeviceUnreachableError(
              `${label} did not accept a TCP connection within ${options.connectTimeoutMs} ms`,
            ),
          ),
        options.connectTimeoutMs,
      );
      socket.once('connect', onConnect);
      socket.once('error', onError);
    });
  }

  get isOpen(): boolean {
    return this.failure === null;
  }

  /** True once the device ended the TCP session itself. */
  get closedByPeer(): boolean {
    return this.peerClosed;
  }

  /**
   * Sends one request and returns the exchange that collects its replies. Starting a request ends
   * the previous exchange: its late packets are dropped as stale.
   */
  send(command: number, data: Buffer, doing: string): Exchange {
    const reply = this.nextReply;
    this.nextReply = nextReplyNumber(reply);
    const exchange = new Exchange(this, command, reply, doing);
    this.current?.end();
    this.current = exchange;
    if (this.failure) {
      exchange.fail(this.failure);
    } else {
      this.socket.write(encodeFrame({ command, session: this.sessionId, reply, data }));
    }
    return exchange;
  }

  /** Marks the session idle: whatever still arrives for the last request is stale. */
  endExchange(): void {
    this.current?.end();
    this.current = null;
  }

  /** Destroys the socket; idempotent. A pending wait fails with DeviceUnreachableError. */
  close(): void {
    this.fail(new DeviceUnreachableError(`the connection to ${this.label} was closed by the bridge`));
  }

  private fail(error: BridgeError): void {
    if (this.failure) return;
    this.failure = error;
    this.socket.removeListener('data', this.onData);
    this.socket.removeListener('error', this.onError);
    this.socket.removeListener('close', this.onClose);
    // A late write error after destroy must not become an unhandled 'error' event.
    this.socket.on('error', () => {});
    this.socket.destroy();
    this.current?.fail(error);
    this.current = null;
  }

  private readonly onData = (chunk: Buffer): void => {
    try {
      for (const payload of this.reader.push(chunk)) {
        this.dispatch(decodePayload(payload));
        if (this.failure) return;
      }
      // A large frame (a 65 KB CMD_DATA) may take a while on a slow link: bytes of a frame in
      // progress count as an answer, so only real silence times out.
      if (this.reader.bufferedBytes > 0) this.current?.extendDeadline();
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      this.fail(
        new DeviceProtocolError(
          `${this.label} sent bytes that break the protocol ${this.while()}: ${detail}`,
        ),
      );
    }
  };

  private readonly onError = (error: NodeJS.ErrnoException): void => {
    this.fail(
      new DeviceUnreachableError(
        `the connection to ${this.label} failed ${this.while()}: ${error.code ?? error.message}`,
        { cause: error },
      ),
    );
  };

  private readonly onClose = (): void => {
    this.peerClosed = true;
    this.fail(new DeviceUnreachableError(`${this.label} closed the connection ${this.while()}`));
  };

  private dispatch(packet: DecodedPacket): void {
    if (!packet.checksumValid) {
      const message =
        `${this.label} sent a ${commandName(packet.command)} packet with checksum ` +
        `0x${hex16(packet.checksum)} that does not match its bytes ${this.while()}`;
      if (this.options.checksumMismatch === 'reject') {
        this.fail(new DeviceProtocolError(message));
        return;
      }
      this.options.onWarning(message);
    }
    if (packet.command === Cmd.REG_EVENT) {
      this.acknowledgeEvent(packet);
      return;
    }
    if (this.current && packet.reply === this.current.replyNumber) {
      this.current.deliver(packet);
      return;
    }
    this.options.onWarning(
      `dropped a stale ${commandName(packet.command)} (reply number ${packet.reply}) from ${this.label}`,
    );
  }

  private acknowledgeEvent(packet: DecodedPacket): void {
    this.socket.write(encodeFrame({ command: Cmd.ACK_OK, session: this.sessionId, reply: 0, data: NO_DATA }));
    if (!this.options.onEvent) return;
    try {
      this.options.onEvent({ eventCode: packet.session, data: packet.data });
    } catch (error) {
      this.options.onWarning(`the event handler for ${this.label} failed: ${String(error)}`);
    }
  }

  private while(): string {
    return this.current ? `while ${this.current.doing}` : 'while idle';
  }
}

/** The replies to one request, in arrival order. */
export class Exchange {
  private readonly queue: DecodedPacket[] = [];
  private waiter: Waiter | null = null;
  private failure: BridgeError | null = null;
  private ended = false;

  constructor(
    private readonly connection: ZkConnection,
    readonly command: number,
    readonly replyNumber: number,
    readonly doing: string,
  ) {}

  /** The next reply; silence for `timeoutMs` is a DeviceTimeoutError. */
  async next(timeoutMs = this.connection.options.requestTimeoutMs): Promise<DecodedPacket> {
    const packet = await this.wait(timeoutMs);
    if (packet) return packet;
    throw new DeviceTimeoutError(
      `${this.connection.label} did not answer ${commandName(this.command)} within ${timeoutMs} ms ` +
        `while ${this.doing}`,
    );
  }

  /** The next reply if one arrives within `graceMs`, else null. */
  nextWithin(graceMs: number): Promise<DecodedPacket | null> {
    return this.wait(graceMs);
  }

  deliver(packet: DecodedPacket): void {
    if (this.ended) return;
    if (this.waiter) this.waiter.settle(packet);
    else this.queue.push(packet);
  }

  /** Restarts the running wait's deadline: the device is sending. */
  extendDeadline(): void {
    this.waiter?.restart();
  }

  fail(error: BridgeError): void {
    this.failure = error;
    this.waiter?.reject(error);
  }

  end(): void {
    this.ended = true;
    this.queue.length = 0;
  }

  private wait(timeoutMs: number): Promise<DecodedPacket | null> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const expire = () => {
        this.waiter = null;
        resolve(null);
      };
      let timer = setTimeout(expire, timeoutMs);
      this.waiter = {
        restart: () => {
          clearTimeout(timer);
          timer = setTimeout(expire, timeoutMs);
        },
        settle: (packet) => {
          clearTimeout(timer);
          this.waiter = null;
          resolve(packet);
        },
        reject: (error) => {
          clearTimeout(timer);
          this.waiter = null;
          reject(error);
        },
      };
    });
  }
}

interface Waiter {
  restart: () => void;
  settle: (packet: DecodedPacket) => void;
  reject: (error: BridgeError) => void;
}

export function deviceLabel(endpoint: { host: string; port: number }): string {
  return `device ${endpoint.host}:${endpoint.port}`;
}

function unreachable(label: string, error: NodeJS.ErrnoException): DeviceUnreachableError {
  const reason =
    error.code === 'ECONNREFUSED'
      ? 'refused the TCP connection (ECONNREFUSED): is the port right and the device on?'
      : `could not be reached (${error.code ?? error.message})`;
  return new DeviceUnreachableError(`${label} ${reason}`, { cause: error });
}

function hex16(value: number): string {
  return value.toString(16).padStart(4, '0');
}
