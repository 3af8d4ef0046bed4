import { ActivityFailure } from '@temporalio/workflow';
import { failureMessage } from './failures.js';
import { deviceQueueActivities } from './queues.js';

export interface SyncDeviceUsersInput {
  deviceId: number;
  /** The device's own queue: only a worker that can reach its network may open the session. */
  taskQueue: string;
}

export type SyncDeviceUsersResult = { connected: true; users: number } | { connected: false; error: string };

/** Read the users enrolled on one device and store them, for a person waiting on the answer. */
export async function syncDeviceUsers(input: SyncDeviceUsersInput): Promise<SyncDeviceUsersResult> {
  const device = deviceQueueActivities(input.taskQueue, {
    startToCloseTimeout: '2 minutes',
    heartbeatTimeout: '30 seconds',
    // A hard stop if no device worker picks the task up in time.
    scheduleToCloseTimeout: '3 minutes',
    retry: { maximumAttempts: 2, initialInterval: '1 second' },
  });
  try {
    const { users } = await device.syncDeviceUsers({ deviceId: input.deviceId });
    return { connected: true, users };
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error;
    return { connected: false, error: failureMessage(error) };
  }
}
