import type { Config } from '../config.js';
import type { Sql } from '../db/connection.js';
import { findDevice } from '../db/devices.js';
import { pullAddress } from '../devices/pullAddress.js';
import { NotFoundError } from '../errors.js';
import type { Logger } from '../logger.js';
import { clockOffsetSeconds } from '../time/clockOffset.js';
import type { ZkClient, ZkClientOptions } from '../zk/client/index.js';
import { formatWallClock } from '../zk/codec/index.js';

/** What a device says about itself right now, read without touching its log. */
export interface DeviceInfo {
  deviceId: number;
  deviceName: string;
  host: string;
  port: number;
  serialNumber: string;
  platform: string;
  firmwareVersion: string;
  userCount: number;
  attendanceCount: number;
  recordCapacity: number;
  /** What the device clock showed, 'YYYY-MM-DDTHH:MM:SS', and how far that is from the true time. */
  deviceTime: string;
  clockOffsetSeconds: number;
}

export type DeviceInfoResult = { connected: true; info: DeviceInfo } | { connected: false; error: string };

export interface DeviceInfoDeps {
  sql: Sql;
  config: Config;
  logger: Logger;
  connectDevice: (options: ZkClientOptions) => Promise<ZkClient>;
}

/** An operator is waiting on this answer: fail fast rather than after a poll's patience. */
const INFO_CONNECT_TIMEOUT_MS = 5000;
const INFO_REQUEST_TIMEOUT_MS = 5000;

/** One short session: identity and table counts, then close. The comm key stays in this process. */
export async function readDeviceInfoOnce(deps: DeviceInfoDeps, deviceId: number): Promise<DeviceInfo> {
  const device = await findDevice(deps.sql, deviceId);
  if (!device) throw new NotFoundError(`Device ${deviceId} does not exist.`);
  const address = pullAddress(device);
  const client = await deps.connectDevice({
    ...address,
    commKey: device.commKey,
    connectTimeoutMs: Math.min(deps.config.DEVICE_CONNECT_TIMEOUT_MS, INFO_CONNECT_TIMEOUT_MS),
    requestTimeoutMs: Math.min(deps.config.DEVICE_REQUEST_TIMEOUT_MS, INFO_REQUEST_TIMEOUT_MS),
    onWarning: (message) => deps.logger.warn({ msg: message, deviceId }),
  });
  try {
    const identity = await client.identity();
    const shown = await client.getTime();
    const readAt = new Date();
    const sizes = await client.freeSizes();
    return {
      deviceId: device.id,
      deviceName: identity.deviceName || device.name,
      ...address,
      serialNumber: identity.serialNumber,
      platform: identity.platform,
      firmwareVersion: identity.firmwareVersion,
      userCount: sizes.users,
      attendanceCount: sizes.records,
      recordCapacity: sizes.recordCapacity,
      deviceTime: formatWallClock(shown),
      clockOffsetSeconds: clockOffsetSeconds(shown, device.timezone, readAt),
    };
  } finally {
    await client.close().catch(() => {});
  }
}
