import type { Config } from '../config.js';
import type { Sql } from '../db/connection.js';
import { type DeviceRow, findDevice, recordPollAttemptError } from '../db/devices.js';
import { attemptThatMayHaveLeftDeviceDisabled, markDeviceEnabled, markEnableFailed } from '../db/pollRuns.js';
import { describeError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ZkClient, ZkClientOptions } from '../zk/client/index.js';
import { clientOptionsFor, deviceLabel } from './session.js';

export interface EnableDeps {
  sql: Sql;
  config: Config;
  logger: Logger;
  connectDevice: (options: ZkClientOptions) => Promise<ZkClient>;
}

/** Short: this session only unlocks the keypad; a device that cannot be reached now fails fast. */
const ENABLE_TIMEOUT_MS = 2000;
const ENABLE_TRIES = 2;
const PAUSE_BETWEEN_TRIES_MS = 300;

export type EnableOutcome = 'enabled' | 'not needed' | 'failed';

/**
 * A session whose only job is ENABLEDEVICE, after a poll attempt that may have left the terminal
 * disabled (it refuses fingerprints then: nobody can clock in). Best effort: when even this fails,
 * the attempt's row and the device's last error say so.
 */
export async function enableAfterFailedAttempt(
  deps: EnableDeps,
  device: DeviceRow,
  pollRunId: number,
  log: Logger,
): Promise<EnableOutcome> {
  const label = deviceLabel(device);
  let lastError: unknown = null;
  for (let tryNumber = 1; tryNumber <= ENABLE_TRIES; tryNumber++) {
    if (tryNumber > 1) await new Promise((resolve) => setTimeout(resolve, PAUSE_BETWEEN_TRIES_MS));
    let client: ZkClient | null = null;
    try {
      client = await deps.connectDevice(
        clientOptionsFor(device, deps.config, log, {
          connectTimeoutMs: Math.min(ENABLE_TIMEOUT_MS, deps.config.DEVICE_CONNECT_TIMEOUT_MS),
          requestTimeoutMs: Math.min(ENABLE_TIMEOUT_MS, deps.config.DEVICE_REQUEST_TIMEOUT_MS),
        }),
      );
      await client.enableDevice();
      await markDeviceEnabled(deps.sql, pollRunId);
      log.info({ msg: `${label} enabled again after a failed poll attempt` });
      return 'enabled';
    } catch (error) {
      lastError = error;
    } finally {
      await client?.close().catch(() => {});
    }
  }
  const message =
    `could not enable ${label} again after a failed poll (${describeError(lastError)}); ` +
    'it may refuse fingerprints until its next successful poll';
  log.warn({ msg: message });
  await markEnableFailed(deps.sql, pollRunId, message);
  await recordPollAttemptError(deps.sql, device.id, message);
  return 'failed';
}

/**
 * After a poll's last failed attempt: if any attempt may have left the terminal disabled (one whose
 * worker died mid-transfer cannot clean up after itself), enable it now.
 */
export async function enableDeviceAfterFailedPoll(
  deps: EnableDeps,
  deviceId: number,
): Promise<EnableOutcome> {
  const attempt = await attemptThatMayHaveLeftDeviceDisabled(deps.sql, deviceId);
  if (!attempt) return 'not needed';
  const device = await findDevice(deps.sql, deviceId);
  if (!device) return 'not needed';
  const log = deps.logger.child({ deviceId, pollRunId: attempt.id });
  return enableAfterFailedAttempt(deps, device, attempt.id, log);
}
