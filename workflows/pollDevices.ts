import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  ActivityFailure,
  executeChild,
  ParentClosePolicy,
  patched,
  workflowInfo,
} from '@temporalio/workflow';
import type { DevicePollResult, PollAllResult } from '../lib/devices/types.js';
import { failureMessage } from './failures.js';
import { pollWorkflowIds } from './ids.js';
import { bookkeepingOptions, deviceQueueActivities, mainQueueActivities } from './queues.js';
import { deviceAttributes, deviceLabel } from './visibility.js';

const bookkeeping = mainQueueActivities(bookkeepingOptions);

export interface PollDeviceInput {
  deviceId: number;
  taskQueue: string;
  maxAttempts: number;
  /** First retry delay; doubles each attempt. */
  retryInitialIntervalMs?: number;
  /** Store only punches from the last this-many seconds (the original's --since-hours/--since-days). */
  sinceSeconds?: number;
}

/**
 * Poll one device: download its log and store new punches; on the last failed attempt, mark it
 * failed and make sure no attempt left the terminal disabled.
 */
export async function pollDevice(input: PollDeviceInput): Promise<DevicePollResult> {
  const device = deviceQueueActivities(input.taskQueue, {
    // A 100,000-record log is ~4 MB. The session heartbeats every second, so an attempt whose
    // worker died is retried within seconds, while the terminal it disabled is still locked.
    startToCloseTimeout: '15 minutes',
    heartbeatTimeout: '5 seconds',
    retry: {
      maximumAttempts: input.maxAttempts,
      initialInterval: input.retryInitialIntervalMs ?? 5000,
      backoffCoefficient: 2,
    },
  });
  try {
    return await device.downloadAttendance({
      deviceId: input.deviceId,
      workflowId: workflowInfo().workflowId,
      sinceSeconds: input.sinceSeconds,
    });
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error;
    const message = failureMessage(error);
    await bookkeeping.recordPollFailure({ deviceId: input.deviceId, error: message });
    if (patched('enable-device-after-failed-poll')) await enableAgain(input);
    return { deviceId: input.deviceId, status: 'failed', fetched: 0, inserted: 0, error: message };
  }
}

/** Best effort: the outcome is on the device's status and its poll run; the poll's result stays 'failed'. */
async function enableAgain(input: PollDeviceInput): Promise<void> {
  const session = deviceQueueActivities(input.taskQueue, {
    startToCloseTimeout: '30 seconds',
    retry: { maximumAttempts: 2, initialInterval: '1 second' },
  });
  try {
    await session.enableDeviceAfterFailedPoll({ deviceId: input.deviceId });
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error;
  }
}

export interface PollAllInput {
  defaultTaskQueue: string;
  maxAttempts: number;
  retryInitialIntervalMs?: number;
  sinceSeconds?: number;
}

/** Poll every enabled device, each in its own child workflow; one failing device never stops the others. */
export async function pollAllDevices(input: PollAllInput): Promise<PollAllResult> {
  const devices = await bookkeeping.listPollableDevices();
  const results = await Promise.all(
    devices.map(async (d): Promise<DevicePollResult> => {
      try {
        return await executeChild(pollDevice, {
          workflowId: pollWorkflowIds.device(d.id),
          staticSummary: `poll ${deviceLabel(d)}`,
          typedSearchAttributes: deviceAttributes(d.id),
          args: [
            {
              deviceId: d.id,
              taskQueue: d.taskQueue ?? input.defaultTaskQueue,
              maxAttempts: input.maxAttempts,
              retryInitialIntervalMs: input.retryInitialIntervalMs,
              sinceSeconds: input.sinceSeconds,
            },
          ],
          parentClosePolicy: ParentClosePolicy.ABANDON,
        });
      } catch (error) {
        if (error instanceof WorkflowExecutionAlreadyStartedError) {
          return {
            deviceId: d.id,
            status: 'skipped',
            fetched: 0,
            inserted: 0,
            error: 'a poll of this device is already running',
          };
        }
        const message = error instanceof Error ? error.message : String(error);
        return { deviceId: d.id, status: 'failed', fetched: 0, inserted: 0, error: message };
      }
    }),
  );
  return {
    totalDevices: devices.length,
    successful: results.filter((r) => r.status === 'succeeded').length,
    failed: results.filter((r) => r.status === 'failed').length,
    devices: results,
  };
}
