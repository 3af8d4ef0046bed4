import type { Sql } from '../../lib/db/connection.js';
import { insertDevice } from '../../lib/db/devices.js';

/** A stored device, as the tests that write punches or records for it need it. */
export interface TestDevice {
  id: number;
  name: string;
  host: string;
  timezone: string;
}

let deviceCount = 0;

/** Stores a device that is never contacted; each one gets its own name and address. */
export async function addDevice(
  sql: Sql,
  options: { timezone?: string; name?: string; host?: string } = {},
): Promise<TestDevice> {
  deviceCount += 1;
  const timezone = options.timezone ?? 'UTC';
  const device = await insertDevice(sql, {
    name: options.name ?? `Device ${deviceCount}`,
    host: options.host ?? `10.0.${Math.floor(deviceCount / 250)}.${(deviceCount % 250) + 1}`,
    port: 4370,
    commKey: 0,
    timezone,
  });
  return { id: device.id, name: device.name, host: device.host ?? '', timezone };
}
