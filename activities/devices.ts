import { Context } from '@temporalio/activity';
import { listDevices, recordPollFailure } from '../lib/db/devices.js';
import { pollDeviceOnce } from '../lib/devices/poll.js';
import type { DevicePollResult, PollableDevice } from '../lib/devices/types.js';
import type { ActivityDeps } from './deps.js';

/** The poll's bookkeeping: which devices to poll, and a failed poll recorded (SQL only). */
export function createPollBookkeepingActivities(deps: ActivityDeps) {
  return {
    async listPollableDevices(): Promise<PollableDevice[]> {
      // Push devices send their punches to the receiver on their own.
      const devices = await listDevices(deps.sql, { enabledOnly: true, transport: 'pull' });
      return devices.map((d) => ({ id: d.id, name: d.name, taskQueue: d.taskQueue }));
    },

    async recordPollFailure(input: { deviceId: number; error: string }): Promise<void> {
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
      return pollDeviceOnce(
        {
          sql: deps.sql,
          config: deps.config,
          logger: deps.logger,
          connectDevice: deps.connectDevice,
          now: deps.now,
          heartbeat: (progress) => context.heartbeat(progress),
          cancelled: context.cancellationSignal,
        },
        {
          deviceId: input.deviceId,
          workflowId: input.workflowId,
          attempt: context.info.attempt,
          sinceSeconds: input.sinceSeconds,
        },
      );
    },
  };
}
