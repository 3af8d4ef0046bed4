import {
  type Client,
  ScheduleAlreadyRunning,
  type ScheduleOptions,
  ScheduleOverlapPolicy,
  type ScheduleSpec,
} from '@temporalio/client';
import type { DailyCleanupInput } from '../lib/cleanup/types.js';
import type { Config } from '../lib/config.js';
import { retryFailedSyncsInput, syncToCrmInput } from '../lib/delivery/input.js';
import { DEFAULT_PUNCH_BATCH_SIZE } from '../lib/processing/defaults.js';
import { cleanupWorkflowId, pollWorkflowIds, processWorkflowIds, syncWorkflowIds } from '../workflows/ids.js';
import type { PollAllInput } from '../workflows/pollDevices.js';
import type { ProcessAttendanceInput } from '../workflows/processAttendance.js';

export interface BridgeSchedule {
  id: string;
  description: string;
  workflowType: string;
  workflowId: string;
  args: unknown[];
  spec: ScheduleSpec;
}

/** The bridge's schedules, with stable ids (they show in `temporal schedule list` and the Web UI). */
export function bridgeSchedules(config: Config): BridgeSchedule[] {
  const pollInput: PollAllInput = {
    defaultTaskQueue: config.DEVICE_TASK_QUEUE,
    maxAttempts: config.DEVICE_POLL_MAX_ATTEMPTS,
  };
  // Incremental: only punches not processed yet. Ranges are rebuilt on demand (API, CLI).
  const processInput: ProcessAttendanceInput = { batchSize: DEFAULT_PUNCH_BATCH_SIZE };
  const cleanupInput: DailyCleanupInput = {
    retentionDays: config.RAW_RETENTION_DAYS,
    logRetentionDays: config.LOG_RETENTION_DAYS,
  };
  const inZone = (cron: string): ScheduleSpec => ({ cronExpressions: [cron], timezone: config.TIME_ZONE });
  return [
    {
      id: 'bridge-poll-devices',
      description: `Poll every enabled device every ${config.POLLING_INTERVAL_MINUTES} minutes`,
      workflowType: 'pollAllDevices',
      workflowId: pollWorkflowIds.scheduled,
      args: [pollInput],
      spec: {
        intervals: [{ every: `${config.POLLING_INTERVAL_MINUTES} minutes` }],
        timezone: config.TIME_ZONE,
      },
    },
    {
      id: 'bridge-process-attendance',
      description: `Build daily attendance records from new punches (${config.PROCESS_SCHEDULE_CRON})`,
      workflowType: 'processAttendance',
      workflowId: processWorkflowIds.scheduled,
      args: [processInput],
      spec: inZone(config.PROCESS_SCHEDULE_CRON),
    },
    {
      id: 'bridge-sync-crm',
      description: `Deliver pending daily records to the CRM every ${config.SYNC_INTERVAL_MINUTES} minutes`,
      workflowType: 'syncToCrm',
      workflowId: syncWorkflowIds.scheduled,
      args: [syncToCrmInput(config)],
      spec: { intervals: [{ every: `${config.SYNC_INTERVAL_MINUTES} minutes` }], timezone: config.TIME_ZONE },
    },
    {
      id: 'bridge-retry-failed-syncs',
      description: `Retry failed CRM deliveries (${config.RETRY_FAILED_SCHEDULE_CRON})`,
      workflowType: 'retryFailedSyncs',
      workflowId: syncWorkflowIds.retryRound,
      args: [retryFailedSyncsInput(config)],
      spec: inZone(config.RETRY_FAILED_SCHEDULE_CRON),
    },
    {
      id: 'bridge-daily-cleanup',
      description: `Delete delivered punches after ${config.RAW_RETENTION_DAYS} days, prune old logs (${config.CLEANUP_SCHEDULE_CRON})`,
      workflowType: 'dailyCleanup',
      workflowId: cleanupWorkflowId,
      args: [cleanupInput],
      spec: inZone(config.CLEANUP_SCHEDULE_CRON),
    },
  ];
}

function scheduleOptions(schedule: BridgeSchedule, taskQueue: string): ScheduleOptions {
  return {
    scheduleId: schedule.id,
    spec: schedule.spec,
    action: {
      type: 'startWorkflow',
      workflowType: schedule.workflowType,
      workflowId: schedule.workflowId,
      taskQueue,
      args: schedule.args,
    },
    // A run still going when the next is due is not doubled; the next due time starts a fresh one.
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '10 minutes', pauseOnFailure: false },
    memo: { description: schedule.description },
  };
}

/**
 * Creates the schedules, or brings existing ones up to date with the settings while keeping their
 * state, so an operator's pause survives a restart.
 */
export async function ensureSchedules(
  client: Client,
  config: Config,
  schedules = bridgeSchedules(config),
): Promise<{ created: string[]; updated: string[] }> {
  const created: string[] = [];
  const updated: string[] = [];
  for (const schedule of schedules) {
    const options = scheduleOptions(schedule, config.TEMPORAL_TASK_QUEUE);
    try {
      await client.schedule.create(options);
      created.push(schedule.id);
    } catch (error) {
      if (!(error instanceof ScheduleAlreadyRunning)) throw error;
      await client.schedule.getHandle(schedule.id).update((previous) => ({
        ...previous,
        spec: options.spec,
        action: options.action,
        policies: {
          ...previous.policies,
          overlap: ScheduleOverlapPolicy.SKIP,
          catchupWindow: 10 * 60 * 1000,
        },
        state: previous.state,
      }));
      updated.push(schedule.id);
    }
  }
  return { created, updated };
}
