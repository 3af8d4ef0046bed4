import { ActivityFailure, ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities/index.js';
import type { DeviceInfoResult } from '../lib/api/deviceInfo.js';
import { nonRetryableFailureTypes } from '../lib/errors.js';

type Activities = ReturnType<typeof createActivities>;

export interface ReadDeviceInfoInput {
  deviceId: number;
  /** The device's own queue: only a worker that can reach its network may open the session. */
  taskQueue: string;
}

/** Ask one device who it is and how full it is, for a person waiting on the answer. */
export async function readDeviceInfo(input: ReadDeviceInfoInput): Promise<DeviceInfoResult> {
  const device = proxyActivities<Activities>({
    taskQueue: input.taskQueue,
    // Two short tries, and a hard stop if no device worker picks the task up in time.
    startToCloseTimeout: '15 seconds',
    scheduleToCloseTimeout: '30 seconds',
    retry: {
      maximumAttempts: 2,
      initialInterval: '1 second',
      nonRetryableErrorTypes: nonRetryableFailureTypes,
    },
  });
  try {
    return { connected: true, info: await device.readDeviceInfo({ deviceId: input.deviceId }) };
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error;
    const cause = error.cause;
    const message =
      cause instanceof ApplicationFailure || cause instanceof Error ? cause.message : String(cause);
    return { connected: false, error: message };
  }
}
