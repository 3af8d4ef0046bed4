import { createServer, type Server, type Socket } from 'node:net';
import { ConfigurationError, describeError } from '../../errors.js';
import type { WallClock } from '../codec/index.js';
import { DeviceClock } from './clock.js';
import { type DeviceDump, type PunchInput, type PunchOutcome, SimulatedDevice } from './device.js';
import { generateLog } from './generatedLog.js';
import { type ResolvedSimulatorOptions, resolveSimulatorOptions, type SimulatorOptions } from './options.js';
import { createRandom, type Random } from './random.js';
import { SimulatorSession } from './session.js';
import { copyStats, emptyStats, type SimulatorStats } from './stats.js';

/**
 * A ZKTeco F18 terminal on a real TCP port: the test double the bridge's integration tests and
 * benchmarks poll. It speaks the protocol of PROTOCOL.md, serves a seeded attendance log and can
 * misbehave on request (faults) the way real terminals do.
 */
export class DeviceSimulator {
  private readonly sessions = new Set<SimulatorSession>();
  private readonly statsValue = emptyStats();
  private readonly random: Random;
  private connectionCount = 0;
  private dropsLeft: number;
  private closing: Promise<void> | undefined;
  /** Kept from listening time: after close() the server no longer knows its port. */
  private readonly boundPort: number;

  private constructor(
    private readonly server: Server,
    private readonly device: SimulatedDevice,
    private readonly options: ResolvedSimulatorOptions,
  ) {
    const address = server.address();
    this.boundPort = typeof address === 'object' && address ? address.port : options.port;
    this.random = createRandom(`connections:${options.seed}`);
    this.dropsLeft = options.dropAtChunk?.times ?? 0;
    server.on('connection', (socket) => this.accept(socket));
    server.on('error', (error) => this.log('warn', `server error: ${describeError(error)}`));
  }

  static async start(options: SimulatorOptions = {}): Promise<DeviceSimulator> {
    const resolved = resolveSimulatorOptions(options);
    const initialLog =
      resolved.initialLog ??
      generateLog({
        seed: resolved.seed,
        users: resolved.users,
        punches: resolved.punches,
        startDate: resolved.startDate,
        userIdWidth: resolved.userIdWidth,
      });
    const device = new SimulatedDevice({
      initialLog,
      clock: new DeviceClock({
        timezone: resolved.timezone,
        offsetSeconds: resolved.clockOffsetSeconds,
        now: resolved.now,
      }),
      identity: {
        serialNumber: resolved.serialNumber,
        platform: resolved.platform,
        firmwareVersion: resolved.firmwareVersion,
        deviceName: resolved.deviceName,
        macAddress: resolved.macAddress,
        pinWidth: resolved.userIdWidth,
      },
      recordCapacity: resolved.recordCapacity,
      logFull: resolved.logFull,
      rolloverDeleteCount: resolved.rolloverDeleteCount,
      userCapacity: resolved.userCapacity,
      fingerprintCapacity: resolved.fingerprintCapacity,
    });
    const server = createServer();
    await listen(server, resolved.port, resolved.host);
    return new DeviceSimulator(server, device, resolved);
  }

  get port(): number {
    return this.boundPort;
  }

  get host(): string {
    return this.options.host;
  }

  /** 'host:port', for logs and connection strings. */
  get address(): string {
    return `${this.host}:${this.port}`;
  }

  get serialNumber(): string {
    return this.device.identity.serialNumber;
  }

  /** False while a client has the terminal disabled (keypad and sensor locked, no punches). */
  get enabled(): boolean {
    return this.device.enabled;
  }

  /** When the terminal was disabled and enabled again, oldest first (real time). */
  get enabledChanges(): { enabled: boolean; atMs: number }[] {
    return this.device.enabledChanges.map((change) => ({ ...change }));
  }

  get stats(): SimulatorStats {
    return copyStats(this.statsValue);
  }

  /** Connections open right now. */
  get activeSessions(): number {
    return this.sessions.size;
  }

  get recordCount(): number {
    return this.device.recordCount;
  }

  /** What the terminal's display shows now. */
  deviceTime(): WallClock {
    return this.device.clock.read();
  }

  get clockOffsetSeconds(): number {
    return this.device.clock.offsetSeconds;
  }

  /** The terminal's ground truth: every enrolled user and every punch in log order. */
  dump(): DeviceDump {
    return this.device.dump();
  }

  /** Someone punches at the terminal. Refused while disabled, and when a full log is set to stop. */
  addPunch(input: PunchInput): PunchOutcome {
    const outcome = this.device.addPunch(input);
    if (outcome !== 'recorded') {
      this.statsValue.punchesRefused++;
      return outcome;
    }
    const recorded = this.device.lastPunch();
    if (recorded) for (const session of this.sessions) session.notifyPunch(recorded);
    return outcome;
  }

  /** Someone clears the attendance log at the terminal's menu. */
  clearLog(): void {
    this.device.clearAttendance();
  }

  /**
   * The terminal's clock jumps by `seconds` (negative: back) without any client asking: set by hand
   * at the menu, or reset by a flat battery. Punches recorded from then on carry the moved time.
   */
  moveClock(seconds: number): void {
    this.device.clock.move(seconds);
  }

  /** Stops listening and ends every connection. Safe to call more than once. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const session of this.sessions) session.destroy();
    });
    return this.closing;
  }

  private accept(socket: Socket): void {
    try {
      this.statsValue.connections++;
      if (this.options.refuseSecondSession && this.sessions.size > 0) {
        this.statsValue.connectionsRefused++;
        this.log('info', `refusing ${socket.remoteAddress}:${socket.remotePort}: a session is already open`);
        socket.on('error', () => {});
        socket.destroy();
        return;
      }
      this.connectionCount++;
      const session = new SimulatorSession(socket, {
        device: this.device,
        options: this.options,
        stats: this.statsValue,
        random: this.random.fork(`connection-${this.connectionCount}`),
        sessionId: this.options.sessionId ?? this.random.int(1, 0xfffe),
        takeDrop: (chunkNumber) => this.takeDrop(chunkNumber),
        onClose: (closed) => this.sessions.delete(closed),
      });
      this.sessions.add(session);
    } catch (error) {
      this.log('warn', `could not accept a connection: ${describeError(error)}`);
      socket.destroy();
    }
  }

  private takeDrop(chunkNumber: number): boolean {
    if (!this.options.dropAtChunk || chunkNumber !== this.options.dropAtChunk.chunk || this.dropsLeft <= 0) {
      return false;
    }
    this.dropsLeft--;
    this.statsValue.connectionsDropped++;
    return true;
  }

  private log(level: 'info' | 'warn', message: string): void {
    try {
      this.options.log(level, `${this.address}: ${message}`);
    } catch {
      // A failing logger must not take the simulator down.
    }
  }
}

export interface StartSimulatorsOptions extends SimulatorOptions {
  devices: number;
  /** Device i listens on basePort + i; 0 lets the OS pick every port. */
  basePort?: number;
  /** Device i has serial number serialPrefix + i (a push device is registered by it). */
  serialPrefix?: string;
}

/** N simulators, device i seeded with seed + i (or `${seed}-${i}`), so each has its own log. */
export async function startSimulators(options: StartSimulatorsOptions): Promise<DeviceSimulator[]> {
  const { devices, basePort = 0, serialPrefix, ...common } = options;
  if (!Number.isInteger(devices) || devices < 1) {
    throw new ConfigurationError(
      `the number of simulated devices must be a whole number >= 1, got ${devices}`,
    );
  }
  if (basePort !== 0 && (!Number.isInteger(basePort) || basePort < 1 || basePort + devices - 1 > 65_535)) {
    throw new ConfigurationError(`base port ${basePort} leaves no room for ${devices} devices below 65536`);
  }
  const seed = common.seed ?? 1;
  const started: DeviceSimulator[] = [];
  try {
    for (let index = 0; index < devices; index++) {
      started.push(
        await DeviceSimulator.start({
          ...common,
          port: basePort === 0 ? 0 : basePort + index,
          seed: typeof seed === 'number' ? seed + index : `${seed}-${index}`,
          serialNumber:
            serialPrefix !== undefined
              ? `${serialPrefix}${index}`
              : common.serialNumber && index > 0
                ? `${common.serialNumber}-${index}`
                : common.serialNumber,
        }),
      );
    }
    return started;
  } catch (error) {
    await Promise.all(started.map((simulator) => simulator.close()));
    throw error;
  }
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      const reason = error.code === 'EADDRINUSE' ? 'is already in use' : `cannot be used (${error.message})`;
      reject(new ConfigurationError(`simulator port ${host}:${port} ${reason}`, { cause: error }));
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}
