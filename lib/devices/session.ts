import type { Config } from '../config.js';
import type { DeviceRow } from '../db/devices.js';
import type { Logger } from '../logger.js';
import type { ZkClientOptions } from '../zk/client/index.js';
import { pullAddress } from './pullAddress.js';

export function deviceLabel(device: Pick<DeviceRow, 'id' | 'name' | 'host' | 'port'>): string {
  return device.host === null
    ? `device ${device.id} "${device.name}" (push)`
    : `device ${device.id} "${device.name}" (${device.host}:${device.port})`;
}

/** How a poll or an enable session reaches the device; the comm key stays in these options only. */
export function clientOptionsFor(
  device: DeviceRow,
  config: Config,
  log: Logger,
  timeouts: { connectTimeoutMs?: number; requestTimeoutMs?: number } = {},
): ZkClientOptions {
  const address = pullAddress(device);
  return {
    host: address.host,
    port: address.port,
    commKey: device.commKey,
    connectTimeoutMs: timeouts.connectTimeoutMs ?? config.DEVICE_CONNECT_TIMEOUT_MS,
    requestTimeoutMs: timeouts.requestTimeoutMs ?? config.DEVICE_REQUEST_TIMEOUT_MS,
    onWarning: (message) => log.warn({ msg: message }),
  };
}
