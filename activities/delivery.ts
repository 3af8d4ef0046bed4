import { Context } from '@temporalio/activity';
import { outcomeToError } from '../lib/crm/client.js';
import { buildPayload, idempotencyKey } from '../lib/crm/payload.js';
import {
  claimDelivery,
  listDeliveryPage,
  markDeliveryFailed,
  recordDeliveryAttempt,
  releaseDelivery,
} from '../lib/db/deliveries.js';
import { boundRetryAfter } from '../lib/delivery/retry.js';
import { noCrmConfigured } from '../lib/delivery/summary.js';
import type {
  DeliveryPageItem,
  DeliveryResult,
  DeliverySelection,
  DeliveryStatus,
} from '../lib/delivery/types.js';
import { ConfigurationError, CrmTransientError } from '../lib/errors.js';
import type { ActivityDeps } from './deps.js';

export interface DeliverInput {
  id: number;
  revision: number;
  /** The statuses the run sends; a record found in another status is passed over. */
  statuses: DeliveryStatus[];
  /** Longest wait a `Retry-After` may impose before the next attempt. */
  maxRetryDelayMs: number;
}

// The lease outlives the activity's own timeout a little, so it cannot lapse while the POST is on.
const leaseMarginMs = 5_000;

/** A sync's bookkeeping: is a CRM configured, the next page of records, a record marked failed. */
export function createDeliveryBookkeepingActivities(deps: ActivityDeps) {
  return {
    /** Whether a CRM is configured; says so in the log when not (records then stay pending). */
    async crmConfigured(): Promise<boolean> {
      if (deps.crm) return true;
      deps.logger.warn({
        msg: 'CRM sync skipped: no CRM configured; set CRM_API_URL and CRM_API_TOKEN. Records stay pending.',
      });
      return false;
    },

    async listDeliveryPage(input: {
      selection: DeliverySelection;
      afterId: number;
      pageSize: number;
    }): Promise<DeliveryPageItem[]> {
      return listDeliveryPage(deps.sql, input);
    },

    /** After the last attempt: the record waits for a retry round (or a person). */
    async markDeliveryFailed(input: {
      item: DeliveryPageItem;
      error: string;
      countRound: boolean;
    }): Promise<boolean> {
      const marked = await markDeliveryFailed(deps.sql, {
        id: input.item.id,
        revision: input.item.revision,
        error: input.error,
        countRound: input.countRound,
      });
      deps.logger.warn({
        msg: marked ? 'delivery failed' : 'delivery failed; record already moved on',
        attendanceDayId: input.item.id,
        revision: input.item.revision,
        error: input.error,
      });
      return marked;
    },
  };
}

/** The CRM call: one POST of one record revision, with its attempt recorded. */
export function createDeliveryActivities(deps: ActivityDeps) {
  return {
    /** One POST of one record revision; Temporal's retry policy makes the further attempts. */
    async deliverAttendanceDay(input: DeliverInput): Promise<DeliveryResult> {
      const crm = deps.crm;
      if (!crm) throw new ConfigurationError(`cannot deliver record ${input.id}: ${noCrmConfigured}`);
      const { info } = Context.current();
      const workflowId = info.workflowExecution?.workflowId ?? null;
      const owner = `${workflowId}/${info.workflowExecution?.runId}/${info.activityId}`;
      const claim = await claimDelivery(deps.sql, {
        id: input.id,
        revision: input.revision,
        statuses: input.statuses,
        owner,
        leaseMs: info.startToCloseTimeoutMs + leaseMarginMs,
      });
      if (claim.kind === 'skipped') {
        deps.logger.info({ msg: 'delivery skipped', attendanceDayId: input.id, reason: claim.reason });
        return { id: input.id, revision: input.revision, status: 'skipped', reason: claim.reason };
      }

      const { day } = claim;
      let key: string;
      let outcome: Awaited<ReturnType<typeof crm.deliver>>;
      try {
        key = idempotencyKey(day);
        outcome = await crm.deliver(buildPayload(day), key);
      } catch (error) {
        await releaseDelivery(deps.sql, day.id, owner);
        throw error;
      }
      const error = outcome.kind === 'delivered' ? null : outcome.error;
      const { current } = await recordDeliveryAttempt(deps.sql, {
        id: day.id,
        revision: day.revision,
        owner,
        attempt: info.attempt,
        idempotencyKey: key,
        outcome: outcome.kind,
        httpStatus: outcome.status,
        error,
        durationMs: outcome.durationMs,
        workflowId,
      });
      deps.logger[outcome.kind === 'delivered' ? 'info' : 'warn']({
        msg: `delivery ${outcome.kind}`,
        attendanceDayId: day.id,
        revision: day.revision,
        attempt: info.attempt,
        httpStatus: outcome.status,
        durationMs: outcome.durationMs,
        ...(error ? { error } : {}),
        ...(current ? {} : { note: 'the record was revised meanwhile; the new revision goes next' }),
      });

      const failure = outcomeToError(outcome);
      if (failure === null) return { id: day.id, revision: day.revision, status: 'delivered' };
      throw failure instanceof CrmTransientError ? boundRetryAfter(failure, input.maxRetryDelayMs) : failure;
    },
  };
}
