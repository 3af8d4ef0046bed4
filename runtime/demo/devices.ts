import { DateTime } from 'luxon';
import type { Sql } from '../../lib/db/connection.js';
import { insertDevice } from '../../lib/db/devices.js';
import type { WallClock } from '../../lib/zk/codec/index.js';
import { DeviceSimulator, generateLog } from '../../lib/zk/simulator/index.js';

/** One simulated F18 of the demo and the device record the bridge keeps for it. */
export interface DemoDevice {
  name: string;
  timezone: string;
  commKey: number;
  clockOffsetSeconds: number;
  seed: number;
  /** What makes this device worth looking at, for the start-up output. */
  about: string;
}

const USERS_PER_DEVICE = 12;
/** Three weeks of history: enough for the report's charts, few enough to deliver within a minute. */
const HISTORY_DAYS = 21;

/** Three sites: one in another zone with night shifts, one behind a comm key, one with a drifting clock. */
export function demoDevices(bridgeZone: string): DemoDevice[] {
  const otherZone = bridgeZone === 'Asia/Kolkata' ? 'America/New_York' : 'Asia/Kolkata';
  return [
    {
      name: 'Head Office',
      timezone: bridgeZone,
      commKey: 4242,
      clockOffsetSeconds: 0,
      seed: 11,
      about: 'needs comm key 4242',
    },
    {
      name: 'Night Depot',
      timezone: otherZone,
      commKey: 0,
      clockOffsetSeconds: 0,
      seed: 12,
      about: `in ${otherZone}, night shifts across midnight`,
    },
    {
      name: 'Warehouse Gate',
      timezone: bridgeZone,
      commKey: 0,
      clockOffsetSeconds: 7 * 60,
      seed: 13,
      about: 'its clock runs 7 minutes fast',
    },
  ];
}

function toWallClock(time: DateTime): WallClock {
  return {
    year: time.year,
    month: time.month,
    day: time.day,
    hour: time.hour,
    minute: time.minute,
    second: time.second,
  };
}

function naiveSeconds(w: WallClock): number {
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) / 1000;
}

/**
 * The device's log: the last month of generated shifts up to what its clock shows now (a terminal
 * holds no punches from the future), and a few people arriving in the last hour, so today has data
 * whatever the hour.
 */
export function demoLog(device: DemoDevice, now: Date) {
  const shown = DateTime.fromJSDate(now, { zone: device.timezone }).plus({
    seconds: device.clockOffsetSeconds,
  });
  const startDate = shown.minus({ days: HISTORY_DAYS }).toISODate() ?? '';
  // More than the month needs: the generator stops at a punch count, not at a date.
  const generated = generateLog({
    seed: device.seed,
    users: USERS_PER_DEVICE,
    punches: USERS_PER_DEVICE * 3 * (HISTORY_DAYS + 1),
    startDate,
    userIdWidth: 5,
  });
  const limit = naiveSeconds(toWallClock(shown.minus({ hours: 1 })));
  const punches = generated.punches.filter((punch) => naiveSeconds(punch.time) <= limit);
  const arrivals = generated.users.slice(0, 6).map((user, index) => ({
    userId: user.userId,
    time: toWallClock(shown.minus({ minutes: 50 - index * 8 })),
    verifyType: 1,
    state: 0,
  }));
  return { users: generated.users, punches: [...punches, ...arrivals] };
}

export interface RunningDemoDevice {
  device: DemoDevice;
  simulator: DeviceSimulator;
  deviceId: number;
}

/** Starts the simulators on free ports and adds each to the bridge as an operator would. */
export async function startDemoDevices(
  sql: Sql,
  devices: DemoDevice[],
  now: Date,
): Promise<RunningDemoDevice[]> {
  const simulators: DeviceSimulator[] = [];
  const running: RunningDemoDevice[] = [];
  try {
    for (const device of devices) {
      const simulator = await DeviceSimulator.start({
        port: 0,
        host: '127.0.0.1',
        commKey: device.commKey,
        timezone: device.timezone,
        clockOffsetSeconds: device.clockOffsetSeconds,
        seed: device.seed,
        userIdWidth: 5,
        deviceName: device.name.slice(0, 24),
        initialLog: demoLog(device, now),
        log: () => {},
      });
      simulators.push(simulator);
      const stored = await insertDevice(sql, {
        name: device.name,
        host: simulator.host,
        port: simulator.port,
        commKey: device.commKey,
        timezone: device.timezone,
      });
      running.push({ device, simulator, deviceId: stored.id });
    }
    return running;
  } catch (error) {
    await Promise.all(simulators.map((simulator) => simulator.close()));
    throw error;
  }
}
