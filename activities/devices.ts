import { Context } from '@temporalio/activity';
import { listDevices, recordPollFailure } from '../lib/db/devices.js';
import { abandonUnfinishedPollRuns } from '../lib/db/pollRuns.js';
import { type EnableOutcome, enableDeviceAfterFailedPoll } from '../lib/devices/enable.js';
import { pollDeviceOnce } from '../lib/devices/poll.js';
import type { DevicePollResult, PollableDevice } from '../lib/devices/types.js';
import type { ReadProgress } from '../lib/zk/client/index.js';
import type { ActivityDeps } from './deps.js';

/** How often a device session tells Temporal its worker is alive (the poll's heartbeat timeout is a few times this). */
export const DEVICE_HEARTBEAT_INTERVAL_MS = 1000;

/**
 * Nothing that started this long ago can still be running: the device activity's start-to-close
 * timeout (15 minutes) has passed for it.
 */
const ATTEMPT_LIFETIME_MS = 20 * 60_000;

/** The poll's bookkeeping: which devices to poll, and a failed poll recorded (SQL only). */
export function createPollBookkeepingActivities(deps: ActivityDeps) {
  return {
    async listPollableDevices(): Promise<PollableDevice[]> {
      // Push devices send their punches to the receiver on their own. Sweeps attempts whose worker died and whose device no later attempt has polled.
      await abandonUnfinishedPollRuns(deps.sql, {
        startedBefore: new Date(deps.now().getTime() - ATTEMPT_LIFETIME_MS),
      });
      const devices = await listDevices(deps.sql, { enabledOnly: true, transport: 'pull' });
      return devices.map((d) => ({ id: d.id, name: d.name, taskQueue: d.taskQueue }));
    },

    async recordPollFailure(input: { deviceId: number; error: string }): Promise<void> {
      // The last attempt may have died with its worker: its row is closed before the failure counts.
      await abandonUnfinishedPollRuns(deps.sql, { deviceId: input.deviceId });
      await recordPollFailure(deps.sql, input.deviceId, input.error);
    },
  };
}

/** The device session of a poll: download the log and store the new punches. */
export function createDeviceActivities(deps: ActivityDeps) {
  return {
    async downloadAttendance(input: {
      deviceId: number;
      workflowId: string;
      sinceSeconds?: number;
    }): Promise<DevicePollResult> {
      const context = Context.current();
      // Heartbeats on a timer, not only per chunk: connecting, storing and reading users send no
      // progress, and a worker that dies at any point must be noticed within seconds.
      let progress: ReadProgress | undefined;
      const alive = setInterval(() => context.heartbeat(progress), DEVICE_HEARTBEAT_INTERVAL_MS);
      try {
        return await pollDeviceOnce(
          {
            sql: deps.sql,
            config: deps.config,
            logger: deps.logger,
            connectDevice: deps.connectDevice,
            now: deps.now,
            heartbeat: (p) => {
              progress = p;
              context.heartbeat(p);
            },
            cancelled: context.cancellationSignal,
          },
          {
            deviceId: input.deviceId,
            workflowId: input.workflowId,
            attempt: context.info.attempt,
            sinceSeconds: input.sinceSeconds,
            firstScheduledAt: new Date(context.info.scheduledTimestampMs),
          },
        );
      } finally {
        clearInterval(alive);
      }
    },

    /** After a poll's last failed attempt: a short session that only enables a terminal left disabled. */
    async enableDeviceAfterFailedPoll(input: { deviceId: number }): Promise<EnableOutcome> {
      return enableDeviceAfterFailedPoll(deps, input.deviceId);
    },
  };
}
