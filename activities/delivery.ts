import { Context } from '@temporalio/activity';
import { type CrmClient, type DeliveryOutcome, outcomeToError } from '../lib/crm/client.js';
import { buildPayload, type DeliverableDay, idempotencyKey } from '../lib/crm/payload.js';
import { coalesced } from '../lib/db/coalesce.js';
import {
  claimDeliveries,
  type DeliveryClaim,
  listDeliveryPage,
  markDeliveryFailed,
  releaseDelivery,
  type SettledAttempt,
  settleDeliveryAttempts,
} from '../lib/db/deliveries.js';
import { createCrmGate } from '../lib/delivery/gate.js';
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
  /** As listed: with id and revision they make the Idempotency-Key, written down before the POST. */
  userId: string;
  date: string;
  /** The statuses the run sends; a record found in another status is passed over. */
  statuses: DeliveryStatus[];
  /** Longest wait a `Retry-After` may impose before the next attempt. */
  maxRetryDelayMs: number;
}

// The lease outlives the activity's own timeout a little, so it cannot lapse while the POST is on.
const leaseMarginMs = 5_000;

// A CRM asking for a long wait gets it per record (the retry's own delay); the whole process stops
// for at most this long per answer, so deliveries waiting at the gate stay well inside their timeout.
const maxGatePauseMs = 15_000;

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

/** The CRM call: one POST of one record revision, its attempt written down before and settled after. */
export function createDeliveryActivities(deps: ActivityDeps) {
  // One gate per process: every record this worker delivers shares its slots and its pauses.
  const gate = createCrmGate({ concurrency: deps.config.CRM_SYNC_CONCURRENCY, maxPauseMs: maxGatePauseMs });
  // The records under way at once share their claims and their settles. Four statements of each
  // kind at once: at the default concurrency no record waits for another's commit; at a raised one
  // the records ready together go in one statement instead of one each.
  const statements = { maxInFlight: 4 };
  const claimDelivery = coalesced((claims: DeliveryClaim[]) => claimDeliveries(deps.sql, claims), statements);
  const settleDeliveryAttempt = coalesced(
    (attempts: SettledAttempt[]) => settleDeliveryAttempts(deps.sql, attempts),
    statements,
  );
  return {
    /** One POST of one record revision; Temporal's retry policy makes the further attempts. */
    async deliverAttendanceDay(input: DeliverInput): Promise<DeliveryResult> {
      const crm = deps.crm;
      if (!crm) throw new ConfigurationError(`cannot deliver record ${input.id}: ${noCrmConfigured}`);
      const { info } = Context.current();
      const workflowId = info.workflowExecution?.workflowId ?? null;
      // The run and the record, not the activity id: a run replayed after its worker died lists its
      // page anew and may give the record another id, and must still take back what it held.
      const owner = `${workflowId}/${info.workflowExecution?.runId}/record-${input.id}`;
      const key = idempotencyKey(input);
      // Entered before the claim, so a pause the CRM asked for never eats into the lease.
      const leave = await gate.enter();
      try {
        const claim = await claimDelivery({
          id: input.id,
          revision: input.revision,
          statuses: input.statuses,
          owner,
          leaseMs: info.startToCloseTimeoutMs + leaseMarginMs,
          attempt: info.attempt,
          idempotencyKey: key,
          workflowId,
        });
        if (claim.kind === 'skipped') {
          deps.logger.info({ msg: 'delivery skipped', attendanceDayId: input.id, reason: claim.reason });
          return { id: input.id, revision: input.revision, status: 'skipped', reason: claim.reason };
        }
        if (claim.closedUnsettled > 0) {
          deps.logger.warn({
            msg: 'earlier delivery attempts left unsettled by a stopped worker, closed as unknown',
            attendanceDayId: input.id,
            attempts: claim.closedUnsettled,
          });
        }
        return await post(crm, claim.day, claim.attemptId, { owner, key, attempt: info.attempt, input });
      } finally {
        leave();
      }
    },
  };

  async function post(
    crm: CrmClient,
    day: DeliverableDay,
    attemptId: number,
    at: { owner: string; key: string; attempt: number; input: DeliverInput },
  ): Promise<DeliveryResult> {
    let outcome: DeliveryOutcome;
    try {
      outcome = await crm.deliver(buildPayload(day), at.key);
    } catch (error) {
      await releaseDelivery(deps.sql, { id: day.id, owner: at.owner, attemptId });
      throw error;
    }
    if (outcome.kind === 'transient' && outcome.retryAfterMs !== null) gate.pauseFor(outcome.retryAfterMs);
    const error = outcome.kind === 'delivered' ? null : outcome.error;
    const { current } = await settleDeliveryAttempt({
      id: day.id,
      revision: day.revision,
      owner: at.owner,
      attemptId,
      outcome: outcome.kind,
      httpStatus: outcome.status,
      error,
      durationMs: outcome.durationMs,
    });
    deps.logger[outcome.kind === 'delivered' ? 'info' : 'warn']({
      msg: `delivery ${outcome.kind}`,
      attendanceDayId: day.id,
      revision: day.revision,
      attempt: at.attempt,
      httpStatus: outcome.status,
      durationMs: outcome.durationMs,
      ...(error ? { error } : {}),
      ...(current ? {} : { note: 'the record was revised meanwhile; the new revision goes next' }),
    });

    const failure = outcomeToError(outcome);
    if (failure === null) return { id: day.id, revision: day.revision, status: 'delivered' };
    throw failure instanceof CrmTransientError ? boundRetryAfter(failure, at.input.maxRetryDelayMs) : failure;
  }
}
