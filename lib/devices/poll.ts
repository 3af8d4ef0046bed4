import type { Config } from '../config.js';
import type { Sql } from '../db/connection.js';
import {
  type DeviceObservation,
  type DeviceRow,
  findDevice,
  recordPollAttemptError,
  recordPollSuccess,
} from '../db/devices.js';
import { upsertDeviceUsers } from '../db/deviceUsers.js';
import { findLogMark, forgetLogMark, saveLogMark } from '../db/logMarks.js';
import {
  abandonUnfinishedPollRuns,
  attemptThatMayHaveLeftDeviceDisabled,
  finishPollRun,
  markSessionOpened,
  recordStoredPunches,
  recordUnrecordedAttempts,
  startPollRun,
} from '../db/pollRuns.js';
import { insertPunchesByCopy } from '../db/punches.js';
import { describeError, NotFoundError } from '../errors.js';
import type { Logger } from '../logger.js';
import { wallClockToInstant } from '../time/wallclock.js';
import type { AttendanceRead, ReadProgress, ZkClient, ZkClientOptions } from '../zk/client/index.js';
import { formatWallClock } from '../zk/codec/index.js';
import { enableAfterFailedAttempt } from './enable.js';
import { type LogMark, markOf, type ResumePoint, resumePoint } from './logResume.js';
import { toPunches } from './punches.js';
import { clientOptionsFor, deviceLabel } from './session.js';
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
 * One attempt at polling one device: identity, clock, the attendance log, device users. Punches
 * past what this device's log already gave are stored (the whole log when that cannot be proven);
 * the device's status and a poll-run row record the outcome either way, and a terminal this attempt
 * left disabled is enabled again by a session of its own. Returns counts only. Throws the device's
 * typed error so the caller's retry policy can decide.
 */
export async function pollDeviceOnce(
  deps: PollDeps,
  run: {
    deviceId: number;
    workflowId: string | null;
    attempt: number;
    sinceSeconds?: number;
    /** When Temporal scheduled this activity's first attempt: earlier attempts that left no row are written. */
    firstScheduledAt?: Date;
  },
): Promise<DevicePollResult> {
  const device = await findDevice(deps.sql, run.deviceId);
  if (!device)
    throw new NotFoundError(`Device ${run.deviceId} does not exist (deleted while a poll was queued?).`);
  const label = deviceLabel(device);
  const log = deps.logger.child({ deviceId: device.id, workflowId: run.workflowId, attempt: run.attempt });
  if (run.workflowId !== null && run.firstScheduledAt) {
    const unrecorded = await recordUnrecordedAttempts(deps.sql, {
      deviceId: device.id,
      workflowId: run.workflowId,
      attempt: run.attempt,
      firstScheduledAt: run.firstScheduledAt,
    });
    if (unrecorded.length > 0)
      log.warn({
        msg: `${label}: poll attempt(s) ${unrecorded.join(', ')} failed before recording themselves`,
      });
  }
  const pollRunId = await startPollRun(deps.sql, run);
  await closeAbandonedAttempts(deps, device, pollRunId, log);
  const leftDisabled = await attemptThatMayHaveLeftDeviceDisabled(deps.sql, device.id, pollRunId);
  const storeSince = run.sinceSeconds ? deps.now().getTime() - run.sinceSeconds * 1000 : null;
  // A device whose log is cleared after each poll is read whole: its log is small, and the clear
  // must be decided on every record.
  const mark = device.clearLogAfterDownload ? null : await findLogMark(deps.sql, device.id);
  let client: ZkClient | null = null;
  try {
    client = await deps.connectDevice(clientOptionsFor(device, deps.config, log));
    const session = client;
    await markSessionOpened(deps.sql, pollRunId);
    if (leftDisabled) {
      // An earlier attempt died with the terminal locked: unlock it first, not after the whole read.
      await session.enableDevice();
      log.info({ msg: `${label} enabled again, left disabled by poll attempt ${leftDisabled.attempt}` });
    }
    const identity = await session.identity();
    const deviceTime = await session.getTime();
    const measuredAt = deps.now();
    const deviceInstant = wallClockToInstant(formatWallClock(deviceTime), device.timezone).instant;
    const clockOffsetSeconds = Math.round((deviceInstant.getTime() - measuredAt.getTime()) / 1000);

    const context = { deviceId: device.id, timezone: device.timezone, pollRunId, clockOffsetSeconds };
    let inserted = 0;
    let invalid = 0;
    let resume: ResumePoint = { firstRecord: 0, resumed: false, reason: 'not read yet' };
    const store = async (attendance: AttendanceRead) => {
      const converted = toPunches(attendance.records, context);
      invalid = converted.invalid.length;
      for (const bad of converted.invalid)
        log.warn({ msg: `${label} holds an unusable record`, record: bad });
      const wanted =
        storeSince === null
          ? converted.punches
          : converted.punches.filter((p) => p.punchedAt.getTime() >= storeSince);
      // A --since poll leaves older punches out on purpose, so it never moves the mark past them.
      const nextMark: LogMark | null = storeSince === null ? markOf(attendance) : null;
      inserted = await deps.sql.begin(async (tx) => {
        const count = await insertPunchesByCopy(tx, wanted);
        await recordStoredPunches(tx, pollRunId, {
          fetched: attendance.totalRecords,
          inserted: count,
          storedFrom: attendance.firstRecord,
        });
        if (nextMark) await saveLogMark(tx, device.id, nextMark, pollRunId);
        return count;
      });
      return converted;
    };

    // Clearing the device log is only safe inside the same disabled window, after every record read
    // is committed and the read holds exactly as many records as the device counted.
    const read = await session.readAttendance({
      onProgress: deps.heartbeat,
      firstRecordToDecode: (raw) => {
        resume = resumePoint(mark, raw);
        return resume.firstRecord;
      },
      whileDisabled: device.clearLogAfterDownload
        ? async (attendance) => {
            const converted = await store(attendance);
            const complete =
              storeSince === null &&
              converted.invalid.length === 0 &&
              attendance.totalRecords === attendance.freeSizes.records;
            if (!complete)
              log.warn({ msg: `${label}: log not cleared, the download did not match the device's count` });
            return { clearLog: complete };
          }
        : undefined,
    });
    if (!device.clearLogAfterDownload) await store(read);
    // After a clear the stored mark describes records that are gone: the next read starts afresh.
    if (read.cleared) await forgetLogMark(deps.sql, device.id);
    if (!resume.resumed && mark) log.info({ msg: `${label}: whole log stored again`, reason: resume.reason });

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
    // What the poll run keeps and what the workflow gets back.
    const outcome = {
      status: 'succeeded' as const,
      fetched: read.totalRecords,
      inserted,
      recordsOnDevice: read.freeSizes.records,
      clockOffsetSeconds,
      logCleared: read.cleared,
    };
    await finishPollRun(deps.sql, pollRunId, {
      ...outcome,
      deviceEnabled: !session.mayHaveLeftDeviceDisabled,
      error: invalid > 0 ? `${invalid} record(s) with an impossible date were skipped` : null,
    });
    log.info({
      msg: `${label} polled`,
      fetched: read.totalRecords,
      decoded: read.records.length,
      inserted,
      clockOffsetSeconds,
    });
    return { deviceId: device.id, ...outcome };
  } catch (error) {
    const message = describeError(error);
    log.warn({ msg: `${label}: poll attempt ${run.attempt} failed`, error: message });
    const disabledByUs = client?.mayHaveLeftDeviceDisabled ?? false;
    await client?.close().catch(() => {});
    client = null;
    await finishPollRun(deps.sql, pollRunId, { status: 'failed', error: message }).catch(() => {});
    await recordPollAttemptError(deps.sql, device.id, message).catch(() => {});
    if (disabledByUs) await enableAfterFailedAttempt(deps, device, pollRunId, log).catch(() => {});
    throw error;
  } finally {
    await client?.close().catch(() => {});
  }
}

async function closeAbandonedAttempts(
  deps: PollDeps,
  device: DeviceRow,
  pollRunId: number,
  log: Logger,
): Promise<void> {
  const abandoned = await abandonUnfinishedPollRuns(deps.sql, { deviceId: device.id, beforeId: pollRunId });
  for (const a of abandoned) {
    log.warn({ msg: `${deviceLabel(device)}: poll attempt ${a.attempt} (run ${a.id}) was abandoned`, ...a });
  }
  if (abandoned.length > 0) {
    await recordPollAttemptError(
      deps.sql,
      device.id,
      `poll attempt ${abandoned[abandoned.length - 1].attempt} stopped before it finished (its worker was stopped or lost the database)`,
    );
  }
}
