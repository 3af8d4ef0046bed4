import type { Config } from '../lib/config.js';
import type { Sql } from '../lib/db/connection.js';
import { type DeviceRow, findDevice, listDevices } from '../lib/db/devices.js';
import { pullAddress } from '../lib/devices/pullAddress.js';
import type { ZkClientOptions } from '../lib/zk/client/index.js';

/** A device the CLI talks to directly: a stored one, or an address given on the command line. */
export interface DeviceTarget {
  id: number | null;
  name: string | null;
  host: string;
  port: number;
  /** Used for the handshake only; never printed. */
  commKey: number;
  timezone: string;
}

export type StoredTarget = DeviceTarget & { id: number; name: string };

export function targetFromRow(device: DeviceRow): StoredTarget {
  return {
    id: device.id,
    name: device.name,
    ...pullAddress(device),
    commKey: device.commKey,
    timezone: device.timezone,
  };
}

/** `device 3 "Main Office" (192.168.1.100:4370)`, or just the address for an unstored device. */
export function targetLabel(
  target: Pick<DeviceTarget, 'id' | 'name'> & { host: string | null; port: number | null },
): string {
  // A push device has no address; it is named by its serial elsewhere.
  const address = target.host === null ? 'push' : `${target.host}:${target.port}`;
  return target.id === null ? address : `device ${target.id} "${target.name}" (${address})`;
}

export function connectOptions(target: DeviceTarget, config: Config): ZkClientOptions {
  return {
    host: target.host,
    port: target.port,
    commKey: target.commKey,
    connectTimeoutMs: config.DEVICE_CONNECT_TIMEOUT_MS,
    requestTimeoutMs: config.DEVICE_REQUEST_TIMEOUT_MS,
    onWarning: (message) => console.error(`  warning: ${message}`),
  };
}

/**
 * The stored devices `--device-id N` or `--all` (every enabled one) name. A missing id is reported
 * on stderr and comes back as null, for the command to exit 1.
 */
export async function storedTargets(
  sql: Sql,
  selection: { deviceId?: number; all?: boolean },
): Promise<StoredTarget[] | null> {
  if (selection.deviceId !== undefined) {
    const device = await findDevice(sql, selection.deviceId);
    if (!device) {
      console.error(
        `Device ${selection.deviceId} does not exist ("attendance-bridge devices list" shows the ids).`,
      );
      return null;
    }
    return [targetFromRow(device)];
  }
  const devices = await listDevices(sql, { enabledOnly: true, transport: 'pull' });
  if (devices.length === 0) console.log('No enabled devices. Add one with "attendance-bridge devices add".');
  return devices.map(targetFromRow);
}
