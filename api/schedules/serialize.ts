import type { z } from '@hono/zod-openapi';
import type { ScheduleDescription } from '@temporalio/client';
import type { BridgeSchedule } from '../../worker/schedules.js';
import { renderInstant } from '../common/render.js';
import type { ScheduleBody } from './schemas.js';

export function toScheduleBody(
  known: BridgeSchedule,
  described: ScheduleDescription,
  zone: string,
): z.infer<typeof ScheduleBody> {
  return {
    id: known.id,
    description: known.description,
    workflow_type: known.workflowType,
    paused: described.state.paused,
    note: described.state.note || null,
    overlap_policy: described.policies.overlap ?? 'SKIP',
    next_run_times: described.info.nextActionTimes.map((time) => renderInstant(time, zone)),
    recent_runs: described.info.recentActions.map((action) => ({
      scheduled_at: renderInstant(action.scheduledAt, zone),
      started_at: renderInstant(action.takenAt, zone),
      workflow_id: action.action.workflow.workflowId,
      run_id: action.action.workflow.firstExecutionRunId,
    })),
    running: described.info.runningActions.map((action) => ({
      workflow_id: action.workflow.workflowId,
      run_id: action.workflow.firstExecutionRunId,
    })),
    actions_taken: described.info.numActionsTaken,
    skipped_overlap: described.info.numActionsSkippedOverlap,
  };
}
