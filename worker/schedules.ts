import {
  type Client,
  ScheduleAlreadyRunning,
  type ScheduleOptions,
  ScheduleOverlapPolicy,
  type ScheduleSpec,
} from '@temporalio/client';
import type { Config } from '../lib/config.js';
import {
  cleanupStart,
  pollAllStart,
  retryRoundStart,
  scheduledProcessStart,
  syncStart,
  type WorkflowStart,
} from '../workflows/starts.js';

export interface BridgeSchedule {
  id: string;
  description: string;
  /** The function's name: the type of the workflow each due time starts. */
  workflowType: string;
  workflowId: string;
  args: unknown[];
  staticSummary: string;
  spec: ScheduleSpec;
}

function scheduled(
  id: string,
  description: string,
  start: WorkflowStart,
  spec: ScheduleSpec,
): BridgeSchedule {
  return {
    id,
    description,
    workflowType: start.workflow.name,
    workflowId: start.workflowId,
    args: start.args,
    staticSummary: start.staticSummary,
    spec,
  };
}

/** The bridge's schedules, with stable ids (they show in `temporal schedule list` and the Web UI). */
export function bridgeSchedules(config: Config): BridgeSchedule[] {
  const inZone = (cron: string): ScheduleSpec => ({ cronExpressions: [cron], timezone: config.TIME_ZONE });
  return [
    scheduled(
      'bridge-poll-devices',
      `Poll every enabled device every ${config.POLLING_INTERVAL_MINUTES} minutes`,
      pollAllStart(config, 'scheduled'),
      { intervals: [{ every: `${config.POLLING_INTERVAL_MINUTES} minutes` }], timezone: config.TIME_ZONE },
    ),
    // Incremental: only punches not processed yet. Ranges are rebuilt on demand (API, CLI).
    scheduled(
      'bridge-process-attendance',
      `Build daily attendance records from new punches (${config.PROCESS_SCHEDULE_CRON})`,
      scheduledProcessStart(config),
      inZone(config.PROCESS_SCHEDULE_CRON),
    ),
    scheduled(
      'bridge-sync-crm',
      `Deliver pending daily records to the CRM every ${config.SYNC_INTERVAL_MINUTES} minutes`,
      syncStart(config, 'scheduled'),
      { intervals: [{ every: `${config.SYNC_INTERVAL_MINUTES} minutes` }], timezone: config.TIME_ZONE },
    ),
    scheduled(
      'bridge-retry-failed-syncs',
      `Retry failed CRM deliveries (${config.RETRY_FAILED_SCHEDULE_CRON})`,
      retryRoundStart(config),
      inZone(config.RETRY_FAILED_SCHEDULE_CRON),
    ),
    scheduled(
      'bridge-daily-cleanup',
      `Delete delivered punches after ${config.RAW_RETENTION_DAYS} days, prune old logs (${config.CLEANUP_SCHEDULE_CRON})`,
      cleanupStart(config),
      inZone(config.CLEANUP_SCHEDULE_CRON),
    ),
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
      staticSummary: schedule.staticSummary,
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
