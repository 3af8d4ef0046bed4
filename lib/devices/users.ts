import type { Config } from '../config.js';
import type { Sql } from '../db/connection.js';
import { findDevice } from '../db/devices.js';
import { upsertDeviceUsers } from '../db/deviceUsers.js';
import { NotFoundError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ZkClient, ZkClientOptions } from '../zk/client/index.js';
import { pullAddress } from './pullAddress.js';

export interface DeviceUsersDeps {
  sql: Sql;
  config: Config;
  logger: Logger;
  connectDevice: (options: ZkClientOptions) => Promise<ZkClient>;
  heartbeat?: (progress: unknown) => void;
}

/**
 * One session that reads the users enrolled on a device and replaces the stored list with them, as
 * every poll also does. Returns how many users the device holds. The comm key stays in this process.
 */
export async function syncDeviceUsersOnce(deps: DeviceUsersDeps, deviceId: number): Promise<number> {
  const device = await findDevice(deps.sql, deviceId);
  if (!device) throw new NotFoundError(`Device ${deviceId} does not exist.`);
  const address = pullAddress(device);
  const client = await deps.connectDevice({
    host: address.host,
    port: address.port,
    commKey: device.commKey,
    connectTimeoutMs: deps.config.DEVICE_CONNECT_TIMEOUT_MS,
    requestTimeoutMs: deps.config.DEVICE_REQUEST_TIMEOUT_MS,
    onWarning: (message) => deps.logger.warn({ msg: message, deviceId }),
  });
  try {
    const users = await client.readUsers({ onProgress: deps.heartbeat });
    await upsertDeviceUsers(deps.sql, device.id, users);
    return users.length;
  } finally {
    await client.close().catch(() => {});
  }
}
