import type { Client } from '@temporalio/client';
import type { SearchAttributePair, Workflow } from '@temporalio/common';
import type { DailyCleanupInput } from '../lib/cleanup/types.js';
import type { Config } from '../lib/config.js';
import { retryFailedSyncsInput, type SyncRequest, syncToCrmInput } from '../lib/delivery/input.js';
import { DEFAULT_PUNCH_BATCH_SIZE } from '../lib/processing/defaults.js';
import { dailyCleanup } from './cleanup.js';
import { readDeviceInfo } from './deviceInfo.js';
import { syncDeviceUsers } from './deviceUsers.js';
import {
  cleanupWorkflowId,
  deviceInfoWorkflowId,
  deviceUsersWorkflowId,
  pollWorkflowIds,
  processWorkflowIds,
  syncWorkflowIds,
} from './ids.js';
import { pollAllDevices, pollDevice } from './pollDevices.js';
import { processAttendance } from './processAttendance.js';
import { retryFailedSyncs, syncToCrm } from './syncToCrm.js';
import { dateRangeAttributes, describeRange, deviceAttributes, deviceLabel } from './visibility.js';

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
  /** One line for the Web UI's Workflows list: "poll device 7 (Gate A)". */
  staticSummary: string;
  /** What the Web UI filters on (workflows/visibility.ts). */
  typedSearchAttributes: SearchAttributePair[];
}

/**
 * Starts the run, or joins the run of that id that is already going: asking twice while it runs
 * (a second "poll now", a retried command) must not do the work twice. A finished run's id may
 * start again. `idPrefix` keeps test runs apart on a shared server.
 */
export function startOrJoin<W extends Workflow>(client: Client, start: WorkflowStart<W>, idPrefix = '') {
  return client.workflow.start<Workflow>(start.workflow, {
    workflowId: `${idPrefix}${start.workflowId}`,
    taskQueue: start.taskQueue,
    args: start.args,
    staticSummary: start.staticSummary,
    typedSearchAttributes: start.typedSearchAttributes,
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'ALLOW_DUPLICATE',
  });
}

/** A device as a poll or an info read needs it. */
export interface DeviceTarget {
  id: number;
  name: string;
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
    staticSummary: `poll ${deviceLabel(device)}${describeSince(since)}`,
    typedSearchAttributes: deviceAttributes(device.id),
  };
}

function describeSince({ sinceSeconds }: Since): string {
  if (sinceSeconds === undefined) return '';
  return sinceSeconds % 86_400 === 0
    ? `, last ${sinceSeconds / 86_400} d`
    : `, last ${sinceSeconds / 3600} h`;
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
    staticSummary: `poll every enabled device${run === 'manual' ? ' (manual)' : ''}${describeSince(since)}`,
    typedSearchAttributes: [],
  };
}

export function deviceInfoStart(config: Config, device: DeviceTarget): WorkflowStart<typeof readDeviceInfo> {
  return {
    workflow: readDeviceInfo,
    workflowId: deviceInfoWorkflowId(device.id),
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    args: [{ deviceId: device.id, taskQueue: deviceQueue(config, device) }],
    staticSummary: `read the identity of ${deviceLabel(device)}`,
    typedSearchAttributes: deviceAttributes(device.id),
  };
}

export function deviceUsersStart(
  config: Config,
  device: DeviceTarget,
): WorkflowStart<typeof syncDeviceUsers> {
  return {
    workflow: syncDeviceUsers,
    workflowId: deviceUsersWorkflowId(device.id),
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    args: [{ deviceId: device.id, taskQueue: deviceQueue(config, device) }],
    staticSummary: `read the users enrolled on ${deviceLabel(device)}`,
    typedSearchAttributes: deviceAttributes(device.id),
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
    staticSummary: 'process new punches',
    typedSearchAttributes: [],
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
    staticSummary: describeProcess(input),
    typedSearchAttributes: dateRangeAttributes(input),
  };
}

function describeProcess(request: ProcessRequest): string {
  const range = describeRange(request);
  if (!range && !request.userId) return 'process new punches (manual)';
  return ['rebuild', range || 'every day', request.userId ? `of user ${request.userId}` : '']
    .filter(Boolean)
    .join(' ');
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
    staticSummary: describeSync(run, request),
    typedSearchAttributes: dateRangeAttributes(request),
  };
}

function describeSync(run: 'scheduled' | 'manual', request: SyncRequest): string {
  if (request.attendanceDayId !== undefined) return `re-deliver record ${request.attendanceDayId}`;
  if (run === 'scheduled') return 'sync pending records';
  const parts = [`sync ${describeRange(request) || 'pending records'}`];
  if (request.userId) parts.push(`user ${request.userId}`);
  if (request.force) parts.push('every record again');
  else if (request.retryFailed) parts.push('failed ones too');
  if (request.limit !== undefined) parts.push(`at most ${request.limit}`);
  return parts.join(', ');
}

export function retryRoundStart(config: Config): WorkflowStart<typeof retryFailedSyncs> {
  return {
    workflow: retryFailedSyncs,
    workflowId: syncWorkflowIds.retryRound,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    args: [retryFailedSyncsInput(config)],
    staticSummary: 'retry failed deliveries',
    typedSearchAttributes: [],
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
    staticSummary: `daily cleanup: delivered punches older than ${input.retentionDays} days`,
    typedSearchAttributes: [],
  };
}
