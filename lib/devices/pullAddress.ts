import type { DeviceRow } from '../db/devices.js';
import { ConfigurationError } from '../errors.js';

/**
 * The address the bridge connects to. Push devices have none: they post to the receiver, and every
 * path that would open a session with one stops here with a message instead of connecting to null.
 */
export function pullAddress(device: Pick<DeviceRow, 'id' | 'transport' | 'host' | 'port'>): {
  host: string;
  port: number;
} {
  if (device.transport === 'push' || device.host === null || device.port === null) {
    throw new ConfigurationError(
      `Device ${device.id} is a push device: it sends its punches to the receiver and cannot be connected to; queue a command for it instead.`,
    );
  }
  return { host: device.host, port: device.port };
}
