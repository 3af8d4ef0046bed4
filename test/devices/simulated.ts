// Simulated F18s for the poll tests that call the device code directly, without Temporal.
import type { Config } from '../../lib/config.js';
import type { Sql } from '../../lib/db/connection.js';
import { type DeviceRow, insertDevice, type NewDevice } from '../../lib/db/devices.js';
import type { PollDeps } from '../../lib/devices/poll.js';
import { ZkClient } from '../../lib/zk/client/index.js';
import { DeviceSimulator, type SimulatorOptions } from '../../lib/zk/simulator/index.js';
import { silentLogger } from '../support/logging.js';

/**
 * Simulators on loopback ports, each stored as a device (its zone the simulator's) in the test's
 * database; `close()` stops them all.
 */
export function simulatedDevices(defaults: SimulatorOptions & { timezone: string }) {
  const started: DeviceSimulator[] = [];
  return {
    async add(
      sql: Sql,
      options: SimulatorOptions,
      settings: Partial<NewDevice> = {},
    ): Promise<{ simulator: DeviceSimulator; device: DeviceRow }> {
      const simulator = await DeviceSimulator.start({ ...defaults, ...options });
      started.push(simulator);
      const device = await insertDevice(sql, {
        name: `sim ${started.length}`,
        host: '127.0.0.1',
        port: simulator.port,
        commKey: options.commKey ?? 0,
        timezone: options.timezone ?? defaults.timezone,
        ...settings,
      });
      return { simulator, device };
    },
    close: async () => {
      await Promise.all(started.map((s) => s.close()));
    },
  };
}

/** What one poll attempt gets here: real device sessions, the real clock, no logs, heartbeats dropped. */
export function pollDeps(sql: Sql, config: Config, overrides: Partial<PollDeps> = {}): PollDeps {
  return {
    sql,
    config,
    logger: silentLogger,
    connectDevice: (options) => ZkClient.connect(options),
    now: () => new Date(),
    heartbeat: () => {},
    ...overrides,
  };
}
