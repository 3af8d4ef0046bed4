import type { Config } from '../config.js';
import type { Sql } from '../db/connection.js';
import {
  type DeviceObservation,
  findDevice,
  recordPollAttemptError,
  recordPollSuccess,
} from '../db/devices.js';
import { upsertDeviceUsers } from '../db/deviceUsers.js';
import { finishPollRun, startPollRun } from '../db/pollRuns.js';
import { insertPunches } from '../db/punches.js';
import { describeError, NotFoundError } from '../errors.js';
import type { Logger } from '../logger.js';
import { wallClockToInstant } from '../time/wallclock.js';
import type { ReadProgress, ZkClient, ZkClientOptions } from '../zk/client/index.js';
import { formatWallClock } from '../zk/codec/index.js';
import { pullAddress } from './pullAddress.js';
import { toPunches } from './punches.js';
import type { DevicePollResult } from './types.js';

export interface PollDeps {
  sql: Sql;
  config: Config;
  logger: Logger;
  connectDevice: (options: ZkClientOptions) => Promise<ZkClient>;
  now: () => Date;
  heartbeat: (progress: ReadProgress) => void;
  cancelled?: AbortSignal;
}

/**
 * One attempt at polling one device: identity, clock, the whole attendance log, device users. New
 * punches are stored idempotently; the device's status and a poll-run row record the outcome either
 * way. Returns counts only. Throws the device's typed error so the caller's retry policy can decide.
 */
export async function pollDeviceOnce(
  deps: PollDeps,
  run: { deviceId: number; workflowId: string | null; attempt: number; sinceSeconds?: number },
): Promise<DevicePollResult> {
  const device = await findDevice(deps.sql, run.deviceId);
  if (!device)
    throw new NotFoundError(`Device ${run.deviceId} does not exist (deleted while a poll was queued?).`);
  const address = pullAddress(device);
  const label = `device ${device.id} "${device.name}" (${address.host}:${address.port})`;
  const log = deps.logger.child({ deviceId: device.id, workflowId: run.workflowId, attempt: run.attempt });
  const pollRunId = await startPollRun(deps.sql, run);
  const storeSince = run.sinceSeconds ? deps.now().getTime() - run.sinceSeconds * 1000 : null;
  let client: ZkClient | null = null;
  try {
    client = await deps.connectDevice({
      host: address.host,
      port: address.port,
      commKey: device.commKey,
      connectTimeoutMs: deps.config.DEVICE_CONNECT_TIMEOUT_MS,
      requestTimeoutMs: deps.config.DEVICE_REQUEST_TIMEOUT_MS,
      onWarning: (message) => log.warn({ msg: message }),
    });
    const session = client;
    const identity = await session.identity();
    const deviceTime = await session.getTime();
    const measuredAt = deps.now();
    const deviceInstant = wallClockToInstant(formatWallClock(deviceTime), device.timezone).instant;
    const clockOffsetSeconds = Math.round((deviceInstant.getTime() - measuredAt.getTime()) / 1000);

    const context = { deviceId: device.id, timezone: device.timezone, pollRunId, clockOffsetSeconds };
    let inserted = 0;
    let invalid = 0;
    const store = async (records: Parameters<typeof toPunches>[0]) => {
      const converted = toPunches(records, context);
      invalid = converted.invalid.length;
      for (const bad of converted.invalid)
        log.warn({ msg: `${label} holds an unusable record`, record: bad });
      const wanted =
        storeSince === null
          ? converted.punches
          : converted.punches.filter((p) => p.punchedAt.getTime() >= storeSince);
      inserted = await insertPunches(deps.sql, wanted);
      return converted;
    };

    // Clearing the device log is only safe inside the same disabled window, after every record read
    // is committed and the read holds exactly as many records as the device counted.
    const read = await session.readAttendance({
      onProgress: deps.heartbeat,
      whileDisabled: device.clearLogAfterDownload
        ? async (attendance) => {
            const converted = await store(attendance.records);
            const complete =
              storeSince === null &&
              converted.invalid.length === 0 &&
              attendance.records.length === attendance.freeSizes.records;
            if (!complete)
              log.warn({ msg: `${label}: log not cleared, the download did not match the device's count` });
            return { clearLog: complete };
          }
        : undefined,
    });
    if (!device.clearLogAfterDownload) await store(read.records);

    let userCount = read.freeSizes.users;
    try {
      const users = await session.readUsers({ onProgress: deps.heartbeat });
      await upsertDeviceUsers(deps.sql, device.id, users);
      userCount = users.length;
    } catch (error) {
      log.warn({ msg: `${label}: could not read device users`, error: describeError(error) });
    }

    const capacity = read.freeSizes.recordCapacity;
    const capacityWarning =
      capacity > 0 && read.freeSizes.records * 100 >= capacity * deps.config.LOG_CAPACITY_WARN_PERCENT;
    if (capacityWarning) {
      log.warn({
        msg: `${label}: attendance log at ${read.freeSizes.records} of ${capacity} records`,
        records: read.freeSizes.records,
        capacity,
      });
    }
    const seen: DeviceObservation = {
      serialNumber: identity.serialNumber,
      firmwareVersion: identity.firmwareVersion,
      platform: identity.platform,
      reportedName: identity.deviceName,
      userCount,
      recordCount: read.cleared ? 0 : read.freeSizes.records,
      recordCapacity: capacity,
      clockOffsetSeconds,
      capacityWarning,
    };
    await recordPollSuccess(deps.sql, device.id, seen);
    await finishPollRun(deps.sql, pollRunId, {
      status: 'succeeded',
      fetched: read.records.length,
      inserted,
      recordsOnDevice: read.freeSizes.records,
      clockOffsetSeconds,
      logCleared: read.cleared,
      error: invalid > 0 ? `${invalid} record(s) with an impossible date were skipped` : null,
    });
    log.info({ msg: `${label} polled`, fetched: read.records.length, inserted, clockOffsetSeconds });
    return {
      deviceId: device.id,
      status: 'succeeded',
      fetched: read.records.length,
      inserted,
      recordsOnDevice: read.freeSizes.records,
      clockOffsetSeconds,
      logCleared: read.cleared,
    };
  } catch (error) {
    const message = describeError(error);
    log.warn({ msg: `${label}: poll attempt ${run.attempt} failed`, error: message });
    await finishPollRun(deps.sql, pollRunId, { status: 'failed', error: message }).catch(() => {});
    await recordPollAttemptError(deps.sql, device.id, message).catch(() => {});
    throw error;
  } finally {
    await client?.close().catch(() => {});
  }
}
