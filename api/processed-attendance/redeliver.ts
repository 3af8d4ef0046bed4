import { requeueDelivery } from '../../lib/db/deliveries.js';
import type { SyncResult } from '../../lib/delivery/types.js';
import { syncStart } from '../../workflows/starts.js';
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
  return startOrAttach(deps.temporal, syncStart(deps.config, 'manual', { attendanceDayId: id }), {
    waitMs,
    idPrefix: deps.workflowIdPrefix,
  });
}
