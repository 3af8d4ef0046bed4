import { requeueDelivery } from '../../lib/db/deliveries.js';
import { syncToCrmInput, syncWorkflowIds } from '../../lib/delivery/input.js';
import type { SyncResult } from '../../lib/delivery/types.js';
import { startOrAttach, type WorkflowOutcome } from '../common/workflows.js';
import type { AppDeps } from '../deps.js';

/**
 * Re-delivery of one record, as the API's `{id}/redeliver/` and the console's deliveries page ask
 * for it: back to pending first, so the sync sends it whatever happened to it before, then a sync of
 * that record alone. Null when there is no such record.
 */
export async function redeliverRecord(
  deps: AppDeps,
  id: number,
  waitMs: number,
): Promise<WorkflowOutcome<SyncResult> | null> {
  if (!(await requeueDelivery(deps.sql, id))) return null;
  return startOrAttach<ReturnType<typeof syncToCrmInput>, SyncResult>(deps.temporal, {
    workflowType: 'syncToCrm',
    workflowId: `${deps.workflowIdPrefix ?? ''}${syncWorkflowIds.record(id)}`,
    taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
    input: syncToCrmInput(deps.config, { attendanceDayId: id }),
    waitMs,
  });
}
