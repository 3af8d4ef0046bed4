import { ConfigurationError } from '../../../lib/errors.js';
import { formatWallClock } from '../../../lib/zk/codec/index.js';
import { DeviceClock } from '../../../lib/zk/simulator/clock.js';
import { SimulatedDevice, type SimulatedDeviceConfig } from '../../../lib/zk/simulator/device.js';
import { type GeneratedLog, generateLog } from '../../../lib/zk/simulator/generatedLog.js';
import { resolveSimulatorOptions, type SimulatorOptions } from '../../../lib/zk/simulator/options.js';

const fixedNow = () => Date.UTC(2024, 9, 27, 0, 59, 59);

function device(
  overrides: Partial<SimulatedDeviceConfig> & { initialLog?: GeneratedLog } = {},
): SimulatedDevice {
  return new SimulatedDevice({
    initialLog: generateLog({ seed: 1, users: 5, punches: 50 }),
    clock: new DeviceClock({ timezone: 'UTC', offsetSeconds: 0, now: fixedNow }),
    identity: {
      serialNumber: 'S1',
      platform: 'ZMM210_TFT',
      firmwareVersion: 'Ver 6.60 Apr 26 2016',
      deviceName: 'F18',
      macAddress: '00:17:61:00:00:01',
      pinWidth: 9,
    },
    recordCapacity: 100,
    logFull: 'stop',
    rolloverDeleteCount: 1,
    userCapacity: 5000,
    fingerprintCapacity: 3000,
    ...overrides,
  });
}

describe('device clock', () => {
  it.each([
    ['UTC', 0, '2024-10-27T00:59:59'],
    ['Europe/London', 0, '2024-10-27T01:59:59'],
    ['Europe/London', 3600, '2024-10-27T02:59:59'],
    ['America/Sao_Paulo', -86_400, '2024-10-25T21:59:59'],
  ])('reads the true time in %s plus %i s', (timezone, offsetSeconds, expected) => {
    expect(formatWallClock(new DeviceClock({ timezone, offsetSeconds, now: fixedNow }).read())).toBe(
      expected,
    );
  });

  it('keeps its offset across a DST change in its zone: it is a naive clock', () => {
    let now = fixedNow();
    const clock = new DeviceClock({ timezone: 'Europe/London', offsetSeconds: 0, now: () => now });
    expect(formatWallClock(clock.read())).toBe('2024-10-27T01:59:59');
    now += 1000; // London falls back from BST to GMT at 01:00 UTC
    expect(formatWallClock(clock.read())).toBe('2024-10-27T01:00:00');
  });

  it('moves its offset when set', () => {
    const clock = new DeviceClock({ timezone: 'UTC', offsetSeconds: 0, now: fixedNow });
    clock.set({ year: 2024, month: 10, day: 26, hour: 23, minute: 59, second: 59 });
    expect(clock.offsetSeconds).toBe(-3600);
  });

  it('refuses an unknown zone', () => {
    expect(() => new DeviceClock({ timezone: 'Mars/Olympus', offsetSeconds: 0 })).toThrow(ConfigurationError);
  });
});

describe('simulated device', () => {
  it('refuses punches of users who are not enrolled and times it cannot store', () => {
    const sim = device();
    expect(() => sim.addPunch({ userId: 'nobody' })).toThrow(/not enrolled/);
    const userId = sim.dump().users[0].user_id;
    expect(() => sim.addPunch({ userId, time: '2024-02-30T08:00:00' })).toThrow(ConfigurationError);
    expect(sim.addPunch({ userId })).toBe('recorded');
    expect(sim.dump().punches.at(-1)?.timestamp).toBe('2024-10-27T00:59:59');
  });

  it('refuses an initial log whose punches name unknown users', () => {
    const initialLog = generateLog({ seed: 1, users: 2, punches: 3 });
    expect(() =>
      device({ initialLog: { users: initialLog.users.slice(1), punches: initialLog.punches } }),
    ).toThrow(/has no enrolled user/);
  });

  it.each([
    ['stop', 0, 100],
    ['rollover', 50, 150],
  ] as const)('keeps %s-style log contents when the initial log exceeds capacity', (logFull, from, to) => {
    const initialLog = generateLog({ seed: 1, users: 5, punches: 150 });
    const sim = device({ initialLog, logFull });
    expect(sim.recordCount).toBe(100);
    expect(sim.dump().punches.map((p) => p.timestamp)).toEqual(
      initialLog.punches.slice(from, to).map((p) => formatWallClock(p.time)),
    );
  });

  it('does not let callers change its data through its initial log or the dump', () => {
    const initialLog = generateLog({ seed: 1, users: 2, punches: 3 });
    const sim = device({ initialLog });
    initialLog.punches[0].time.year = 2001;
    sim.dump().punches[0].timestamp = 'changed';
    expect(sim.dump().punches[0].timestamp).toMatch(/^2024-/);
  });
});

describe('simulator options', () => {
  it('fills in F18 defaults and a serial and MAC stable for a seed', () => {
    const options = resolveSimulatorOptions({ seed: 3 });
    expect(options).toMatchObject({
      host: '127.0.0.1',
      port: 0,
      commKey: 0,
      recordSize: 40,
      userSize: 72,
      recordCapacity: 100_000,
      inlineThresholdBytes: 1024,
      splitDataBytes: 1008,
      writeMode: 'separate',
      platform: 'ZMM210_TFT',
      firmwareVersion: 'Ver 6.60 Apr 26 2016',
      deviceName: 'F18',
    });
    expect(options.serialNumber).toBe(resolveSimulatorOptions({ seed: 3 }).serialNumber);
    expect(options.serialNumber).not.toBe(resolveSimulatorOptions({ seed: 4 }).serialNumber);
  });

  it.each<[SimulatorOptions, RegExp]>([
    [{ port: 70_000 }, /port/],
    [{ commKey: -1 }, /commKey/],
    [{ recordSize: 41 as 40 }, /recordSize/],
    [{ userSize: 30 as 72 }, /userSize/],
    [{ writeMode: 'bursty' as 'separate' }, /writeMode/],
    [{ logFull: 'wrap' as 'stop' }, /logFull/],
    [{ recordCapacity: 0 }, /recordCapacity/],
    [{ splitDataBytes: -1 }, /splitDataBytes/],
    [{ dropAtChunk: { chunk: 0 } }, /dropAtChunk/],
    [{ sessionId: 0 }, /sessionId/],
    [{ ackErrorOn: [1.5] }, /ackErrorOn/],
  ])('rejects %j', (options, message) => {
    expect(() => resolveSimulatorOptions(options)).toThrow(ConfigurationError);
    expect(() => resolveSimulatorOptions(options)).toThrow(message);
  });
});
