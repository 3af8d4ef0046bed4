import { ActivityFailure } from '@temporalio/workflow';
import type { DeviceInfoResult } from '../lib/devices/info.js';
import { failureMessage } from './failures.js';
import { deviceQueueActivities } from './queues.js';

export interface ReadDeviceInfoInput {
  deviceId: number;
  /** The device's own queue: only a worker that can reach its network may open the session. */
  taskQueue: string;
}

/** Ask one device who it is and how full it is, for a person waiting on the answer. */
export async function readDeviceInfo(input: ReadDeviceInfoInput): Promise<DeviceInfoResult> {
  const device = deviceQueueActivities(input.taskQueue, {
    // Two short tries, and a hard stop if no device worker picks the task up in time.
    startToCloseTimeout: '15 seconds',
    scheduleToCloseTimeout: '30 seconds',
    retry: {
      maximumAttempts: 2,
      initialInterval: '1 second',
    },
  });
  try {
    return { connected: true, info: await device.readDeviceInfo({ deviceId: input.deviceId }) };
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error;
    return { connected: false, error: failureMessage(error) };
  }
}
