import { writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parseArgs } from 'node:util';
import { deviceSerialNumber } from '../../lib/devices/input.js';
import { ConfigurationError } from '../../lib/errors.js';
import { SimulatedPushDevice } from '../../lib/push/simulator/pushDevice.js';
import {
  ATTENDANCE_RECORD_SIZES,
  type AttendanceRecordSize,
  MAX_CHUNK_BYTES,
  USER_RECORD_SIZES,
  type UserRecordSize,
} from '../../lib/zk/codec/index.js';
import {
  type DeviceSimulator,
  SIMULATOR_DEFAULTS,
  type StartSimulatorsOptions,
  startSimulators,
  WRITE_MODES,
  type WriteMode,
} from '../../lib/zk/simulator/index.js';

const MAX_WRITE_DELAY_MS = 10_000;
const DEFAULT_PUSH_BATCH = 1000;

const USAGE = `Usage: attendance-bridge simulate [options]

Runs simulated ZKTeco F18 terminals on TCP until Ctrl+C; with --push they also push their log to
a push (ADMS / iclock) receiver, as terminals with a "Cloud Server" menu do.

Options:
  --port P                   TCP port of the first device (default 4370; 0 = any free port)
  --host H                   address to listen on (default 127.0.0.1)
  --devices N                number of devices (default 1); device i is seeded with seed + i
  --base-port P              port of device 0 when running several (default: --port); device i gets P + i
  --users N                  enrolled users per device (default 50)
  --punches N                punches in each attendance log (default 20000)
  --seed N                   seed of the generated data (default 1)
  --start-date YYYY-MM-DD    first day of the generated log (default 2024-01-08)
  --comm-key N               comm key the devices require (default 0 = none)
  --timezone ZONE            IANA zone of the device clocks (default: this machine's); use the
                             zone the device is added with (devices add --timezone)
  --clock-offset-seconds S   device clock = true time in ZONE + S (default 0)
  --write-mode MODE          separate | coalesced | fragmented (default separate)
  --split-data-bytes N       largest CMD_DATA of a buffered read, as splitting F18 firmware sends
                             (default ${SIMULATOR_DEFAULTS.splitDataBytes}); 0 = each chunk in one CMD_DATA
  --write-delay-ms N         pause after each packet in separate mode (default ${SIMULATOR_DEFAULTS.writeDelayMs})
  --record-size N            attendance record size: 40, 49, 16 or 8 (default 40)
  --user-size N              user record size: 72 or 28 (default 72)
  --dump FILE                write each device's users and punches as JSON at start
                             (several devices: FILE-0.json, FILE-1.json, ...)
  --serial-prefix P          device i has serial number P followed by i (default: one made from
                             its seed); push devices are registered by serial number
  --push URL                 also push to the receiver at URL (e.g. http://127.0.0.1:8081): handshake,
                             uploads with stamps, heartbeats, queued commands. The TCP listener
                             stays, so a device can be polled and push at once (the same log)
  --push-key KEY             the pushcommkey the devices send (default none)
  --push-batch N             records per upload (default ${DEFAULT_PUSH_BATCH})
  --push-interval-seconds S  pause between a device's rounds (default: the Delay the receiver's
                             handshake asks for)
  --help                     show this text`;

export interface SimulateIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Resolves when the simulators should stop; SIGINT/SIGTERM by default. */
  untilStopped: () => Promise<string>;
  /** Called once the simulators listen and push, with --push (tests connect to them). */
  onStarted?: (simulators: DeviceSimulator[]) => void;
}

/** Where and how the simulated devices push, with --push. */
export interface PushSettings {
  url: string;
  pushKey?: string;
  batchSize: number;
  intervalMs?: number;
}

const defaultIo: SimulateIo = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  untilStopped: () =>
    new Promise((resolve) => {
      const stop = (signal: string) => {
        process.off('SIGINT', onInt);
        process.off('SIGTERM', onTerm);
        resolve(signal);
      };
      const onInt = () => stop('SIGINT');
      const onTerm = () => stop('SIGTERM');
      process.once('SIGINT', onInt);
      process.once('SIGTERM', onTerm);
    }),
};

export async function run(argv: string[], io: SimulateIo = defaultIo): Promise<number> {
  let settings: SimulateSettings;
  try {
    settings = parseSimulateArgs(argv);
  } catch (error) {
    io.err(`attendance-bridge simulate: ${messageOf(error)}\n\n${USAGE}`);
    return 2;
  }
  if (settings === 'help') {
    io.out(USAGE);
    return 0;
  }

  let simulators: DeviceSimulator[];
  try {
    simulators = await startSimulators(settings.options);
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    io.err(`attendance-bridge simulate: ${error.message}`);
    return 2;
  }
  const pushDevices: SimulatedPushDevice[] = [];
  try {
    for (const [index, simulator] of simulators.entries()) {
      const { users, punches } = simulator.dump();
      const key = settings.options.commKey ? `comm key ${settings.options.commKey}` : 'no comm key';
      io.out(
        `F18 simulator ${index}: ${simulator.address} (serial ${simulator.serialNumber}, ` +
          `${users.length} users, ${punches.length} punches, ${key})`,
      );
      if (settings.dumpFile) {
        const file = dumpFileFor(settings.dumpFile, index, simulators.length);
        await writeFile(file, `${JSON.stringify(simulator.dump(), null, 2)}\n`);
        io.out(`  ground truth written to ${file}`);
      }
    }
    io.out(`  replies: ${describeWireShape(settings.options)}`);
    const push = settings.push;
    if (push) {
      const every = push.intervalMs === undefined ? "the receiver's Delay" : `${push.intervalMs / 1000} s`;
      io.out(
        `  pushing to ${push.url}/iclock/: uploads of up to ${push.batchSize} records, a round every ${every}`,
      );
      for (const simulator of simulators) {
        const device = new SimulatedPushDevice({
          url: push.url,
          serialNumber: simulator.serialNumber,
          source: simulator,
          batchSize: push.batchSize,
          pushKey: push.pushKey,
          intervalMs: push.intervalMs,
          log: io.out,
        });
        pushDevices.push(device);
        device.start();
      }
    }
    io.onStarted?.(simulators);
    io.out('Press Ctrl+C to stop.');
    const signal = await io.untilStopped();
    io.out(`${signal} received, stopping the simulators`);
    return 0;
  } finally {
    await Promise.all(pushDevices.map((device) => device.stop()));
    for (const device of pushDevices) {
      const { recordsSent, uploads, commandsExecuted } = device.stats;
      io.out(
        `push ${device.serialNumber}: ${recordsSent} record(s) acknowledged in ${uploads} upload(s), ` +
          `${commandsExecuted} command(s) executed`,
      );
    }
    await Promise.all(simulators.map((simulator) => simulator.close()));
  }
}

type SimulateSettings = 'help' | { options: StartSimulatorsOptions; dumpFile?: string; push?: PushSettings };

export function parseSimulateArgs(argv: string[]): SimulateSettings {
  const { values } = parseArgs({
    args: joinNegativeValues(argv),
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      devices: { type: 'string' },
      'base-port': { type: 'string' },
      users: { type: 'string' },
      punches: { type: 'string' },
      seed: { type: 'string' },
      'start-date': { type: 'string' },
      'comm-key': { type: 'string' },
      timezone: { type: 'string' },
      'clock-offset-seconds': { type: 'string' },
      'write-mode': { type: 'string' },
      'split-data-bytes': { type: 'string' },
      'write-delay-ms': { type: 'string' },
      'record-size': { type: 'string' },
      'user-size': { type: 'string' },
      dump: { type: 'string' },
      'serial-prefix': { type: 'string' },
      push: { type: 'string' },
      'push-key': { type: 'string' },
      'push-batch': { type: 'string' },
      'push-interval-seconds': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return 'help';

  const port = integer(values.port, '--port', 4370);
  const recordSize = oneOf<AttendanceRecordSize>(
    integer(values['record-size'], '--record-size', 40),
    ATTENDANCE_RECORD_SIZES,
    '--record-size',
  );
  const userSize = oneOf<UserRecordSize>(
    integer(values['user-size'], '--user-size', 72),
    USER_RECORD_SIZES,
    '--user-size',
  );
  const writeMode = oneOf<WriteMode>(values['write-mode'] ?? 'separate', WRITE_MODES, '--write-mode');
  const splitDataBytes = integerWithin(
    values['split-data-bytes'],
    '--split-data-bytes',
    SIMULATOR_DEFAULTS.splitDataBytes,
    [0, MAX_CHUNK_BYTES],
    `0 (one CMD_DATA per chunk) or a packet size from 1 to ${MAX_CHUNK_BYTES} bytes`,
  );
  const writeDelayMs = integerWithin(
    values['write-delay-ms'],
    '--write-delay-ms',
    SIMULATOR_DEFAULTS.writeDelayMs,
    [0, MAX_WRITE_DELAY_MS],
    `from 0 to ${MAX_WRITE_DELAY_MS} milliseconds`,
  );
  // Coalesced and fragmented replies are cut without pauses; a delay there would be silently ignored.
  if (values['write-delay-ms'] !== undefined && writeMode !== 'separate') {
    throw new ConfigurationError(`--write-delay-ms applies to --write-mode separate only, not ${writeMode}`);
  }
  if (values.dump === '') throw new ConfigurationError('--dump needs a file name');
  const devices = integer(values.devices, '--devices', 1);
  const serialPrefix = values['serial-prefix'];
  if (serialPrefix !== undefined) {
    const last = deviceSerialNumber.safeParse(`${serialPrefix}${Math.max(devices - 1, 0)}`);
    if (!last.success) {
      throw new ConfigurationError(
        `--serial-prefix '${serialPrefix}' makes serial numbers that ${last.error.issues[0]?.message}`,
      );
    }
  }
  return {
    dumpFile: values.dump,
    push: parsePush(values),
    options: {
      devices,
      serialPrefix,
      basePort: integer(values['base-port'], '--base-port', port),
      host: values.host ?? '127.0.0.1',
      users: integer(values.users, '--users', 50),
      punches: integer(values.punches, '--punches', 20_000),
      seed: integer(values.seed, '--seed', 1),
      startDate: values['start-date'],
      commKey: integer(values['comm-key'], '--comm-key', 0),
      timezone: values.timezone,
      clockOffsetSeconds: integer(values['clock-offset-seconds'], '--clock-offset-seconds', 0),
      writeMode,
      splitDataBytes,
      writeDelayMs,
      recordSize,
      userSize,
    },
  };
}

function parsePush(values: {
  push?: string;
  'push-key'?: string;
  'push-batch'?: string;
  'push-interval-seconds'?: string;
}): PushSettings | undefined {
  if (values.push === undefined) {
    const stray = (['push-key', 'push-batch', 'push-interval-seconds'] as const).find(
      (flag) => values[flag] !== undefined,
    );
    if (stray) throw new ConfigurationError(`--${stray} applies with --push URL only`);
    return undefined;
  }
  const interval = values['push-interval-seconds'];
  return {
    url: receiverUrl(values.push),
    pushKey: values['push-key'],
    batchSize: integerWithin(
      values['push-batch'],
      '--push-batch',
      DEFAULT_PUSH_BATCH,
      [1, 100_000],
      'from 1 to 100000 records',
    ),
    intervalMs:
      interval === undefined
        ? undefined
        : integerWithin(interval, '--push-interval-seconds', 10, [1, 3600], 'from 1 to 3600 seconds') * 1000,
  };
}

/**
 * The receiver's base URL. The bridge's banner shows it as `http://host:port/iclock/`; devices add
 * the `/iclock/...` paths themselves, so that suffix is taken off.
 */
export function receiverUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigurationError(
      `--push must be the receiver's URL, e.g. http://127.0.0.1:8081, got '${text}'`,
    );
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash) {
    throw new ConfigurationError(
      `--push must be an http:// or https:// URL without a query, e.g. http://127.0.0.1:8081, got '${text}'`,
    );
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '').replace(/\/iclock$/, '')}`;
}

/** How replies reach the wire, for the start-up output: what a tool under test will see. */
function describeWireShape(options: StartSimulatorsOptions): string {
  const packets =
    options.splitDataBytes === 0
      ? 'each chunk in one CMD_DATA'
      : `CMD_DATA of at most ${options.splitDataBytes ?? SIMULATOR_DEFAULTS.splitDataBytes} bytes`;
  const writes =
    options.writeMode === 'separate' || options.writeMode === undefined
      ? `one write per packet, ${options.writeDelayMs ?? SIMULATOR_DEFAULTS.writeDelayMs} ms apart`
      : `${options.writeMode} writes`;
  return `${packets}; ${writes}`;
}

/** '--clock-offset-seconds -3600' would read as two flags to parseArgs; '--flag=-3600' does not. */
function joinNegativeValues(argv: string[]): string[] {
  const joined: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const next = argv[i + 1];
    if (argv[i].startsWith('--') && !argv[i].includes('=') && next !== undefined && /^-\d+$/.test(next)) {
      joined.push(`${argv[i]}=${next}`);
      i++;
    } else {
      joined.push(argv[i]);
    }
  }
  return joined;
}

/** parseArgs throws plain TypeErrors; their message is what a person needs. */
function messageOf(error: unknown): string {
  return typeof error === 'object' && error !== null && 'message' in error
    ? String(error.message)
    : String(error);
}

function integer(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^-?\d+$/.test(text.trim()))
    throw new ConfigurationError(`${flag} must be a whole number, got '${text}'`);
  return Number(text);
}

function integerWithin(
  text: string | undefined,
  flag: string,
  fallback: number,
  [min, max]: [number, number],
  allowed: string,
): number {
  const value = integer(text, flag, fallback);
  if (value < min || value > max) throw new ConfigurationError(`${flag} must be ${allowed}, got '${text}'`);
  return value;
}

function oneOf<T extends string | number>(value: string | number, allowed: readonly T[], flag: string): T {
  if (!allowed.includes(value as T)) {
    throw new ConfigurationError(`${flag} must be one of ${allowed.join(', ')}, got '${value}'`);
  }
  return value as T;
}

/** 'dump.json' stays as is for one device; device i of several writes 'dump-i.json'. */
export function dumpFileFor(file: string, index: number, devices: number): string {
  if (devices === 1) return file;
  const extension = extname(file);
  return `${file.slice(0, file.length - extension.length)}-${index}${extension}`;
}
