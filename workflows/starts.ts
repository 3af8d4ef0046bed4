import type { Workflow } from '@temporalio/common';
import type { DailyCleanupInput } from '../lib/cleanup/types.js';
import type { Config } from '../lib/config.js';
import { retryFailedSyncsInput, type SyncRequest, syncToCrmInput } from '../lib/delivery/input.js';
import { DEFAULT_PUNCH_BATCH_SIZE } from '../lib/processing/defaults.js';
import { dailyCleanup } from './cleanup.js';
import { readDeviceInfo } from './deviceInfo.js';
import {
  cleanupWorkflowId,
  deviceInfoWorkflowId,
  pollWorkflowIds,
  processWorkflowIds,
  syncWorkflowIds,
} from './ids.js';
import { pollAllDevices, pollDevice } from './pollDevices.js';
import { processAttendance } from './processAttendance.js';
import { retryFailedSyncs, syncToCrm } from './syncToCrm.js';

/**
 * The runs the API, the CLI and the schedules start, built in one place. Each names the workflow by
 * its function, so its input and result types follow the function and a rename breaks the build.
 * Not part of the workflow bundle: only processes outside the sandbox start runs.
 */
export interface WorkflowStart<W extends Workflow = Workflow> {
  workflow: W;
  workflowId: string;
  /** The main queue, where the workflows run. */
  taskQueue: string;
  args: Parameters<W>;
}

/** A device as a poll or an info read needs it. */
export interface DeviceTarget {
  id: number;
  taskQueue: string | null;
}

/** Only punches from the last this-many seconds (the original's --since-hours/--since-days). */
type Since = { sinceSeconds?: number };

const deviceQueue = (config: Config, device: DeviceTarget) => device.taskQueue ?? config.DEVICE_TASK_QUEUE;

export function pollDeviceStart(
  config: Config,
  device: DeviceTarget,
  since: Since = {},
): WorkflowStart<typeof pollDevice> {
  return {
    workflow: pollDevice,
    workflowId: pollWorkflowIds.device(device.id),
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    args: [
      {
        deviceId: device.id,
        taskQueue: deviceQueue(config, device),
        maxAttempts: config.DEVICE_POLL_MAX_ATTEMPTS,
        ...since,
      },
    ],
  };
}

export function pollAllStart(
  config: Config,
  run: 'scheduled' | 'manual',
  since: Since = {},
): WorkflowStart<typeof pollAllDevices> {
  return {
    workflow: pollAllDevices,
    workflowId: run === 'scheduled' ? pollWorkflowIds.scheduled : pollWorkflowIds.all,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    args: [
      { defaultTaskQueue: config.DEVICE_TASK_QUEUE, maxAttempts: config.DEVICE_POLL_MAX_ATTEMPTS, ...since },
    ],
  };
}

export function deviceInfoStart(config: Config, device: DeviceTarget): WorkflowStart<typeof readDeviceInfo> {
  return {
    workflow: readDeviceInfo,
    workflowId: deviceInfoWorkflowId(device.id),
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    args: [{ deviceId: device.id, taskQueue: deviceQueue(config, device) }],
  };
}

/** Days to rebuild from raw punches; without any, the incremental run over unprocessed punches. */
export interface ProcessRequest {
  startDate?: string;
  endDate?: string;
  userId?: string;
}

/** The schedule's incremental run. */
export function scheduledProcessStart(config: Config): WorkflowStart<typeof processAttendance> {
  return {
    workflow: processAttendance,
    workflowId: processWorkflowIds.scheduled,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    args: [{ batchSize: DEFAULT_PUNCH_BATCH_SIZE }],
  };
}

/** A person's run (API / CLI): incremental, or the days of `request` rebuilt. */
export function manualProcessStart(
  config: Config,
  request: ProcessRequest = {},
): WorkflowStart<typeof processAttendance> {
  const input = {
    ...(request.startDate ? { startDate: request.startDate } : {}),
    ...(request.endDate ? { endDate: request.endDate } : {}),
    ...(request.userId ? { userId: request.userId } : {}),
  };
  return {
    workflow: processAttendance,
    workflowId: processWorkflowIds.manual,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    args: [input],
  };
}

/** A sync: the schedule's, a person's, or the re-delivery of one record (`attendanceDayId`). */
export function syncStart(
  config: Config,
  run: 'scheduled' | 'manual',
  request: SyncRequest = {},
): WorkflowStart<typeof syncToCrm> {
  const workflowId =
    request.attendanceDayId !== undefined
      ? syncWorkflowIds.record(request.attendanceDayId)
      : run === 'scheduled'
        ? syncWorkflowIds.scheduled
        : syncWorkflowIds.manual;
  return {
    workflow: syncToCrm,
    workflowId,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    args: [syncToCrmInput(config, request)],
  };
}

export function retryRoundStart(config: Config): WorkflowStart<typeof retryFailedSyncs> {
  return {
    workflow: retryFailedSyncs,
    workflowId: syncWorkflowIds.retryRound,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    args: [retryFailedSyncsInput(config)],
  };
}

export function cleanupStart(config: Config): WorkflowStart<typeof dailyCleanup> {
  const input: DailyCleanupInput = {
    retentionDays: config.RAW_RETENTION_DAYS,
    logRetentionDays: config.LOG_RETENTION_DAYS,
  };
  return {
    workflow: dailyCleanup,
    workflowId: cleanupWorkflowId,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    args: [input],
  };
}
