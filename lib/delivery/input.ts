import type { Config } from '../config.js';
import { isCalendarDate } from '../time/calendar.js';
import type { DeliverySelection, SyncResult } from './types.js';

/** How a run delivers: the settings every sync and retry round needs. */
export interface DeliveryRunSettings {
  /** CRM_TASK_QUEUE: where the delivery activities run. */
  crmTaskQueue: string;
  /** CRM_MAX_RETRIES: attempts per record and run, the first included. */
  maxAttempts: number;
  /** CRM_SYNC_BATCH_SIZE: records listed per page. */
  pageSize: number;
  /** Limit for one delivery activity; keep it above CRM_REQUEST_TIMEOUT. */
  deliveryTimeoutMs?: number;
  /** Back-off between attempts: initial delay, growth factor and ceiling. */
  retryInitialIntervalMs?: number;
  retryBackoffCoefficient?: number;
  retryMaximumIntervalMs?: number;
  /** Pages handled before the run continues as new (it also does so earlier when history grows). */
  pagesPerRun?: number;
  /**
   * CRM_DELIVERY_ON: where the POSTs run. `workflow-worker`: as local activities beside the workflow
   * (no task queue round trip per record); `crm-queue`: as activities on CRM_TASK_QUEUE (a CRM
   * reachable only from another network).
   */
  deliverOn?: DeliveryPlace;
  /** History events after which a run continues as new before its next delivery. */
  maxHistoryEvents?: number;
}

export type DeliveryPlace = 'workflow-worker' | 'crm-queue';

/** Where a run stopped when it continued as new. */
export interface SyncProgress {
  afterId: number;
  result: SyncResult;
}

export interface SyncToCrmInput extends DeliveryRunSettings {
  /** Most records to pick up in this sync (all runs of it together). */
  limit?: number;
  startDate?: string;
  endDate?: string;
  userId?: string;
  /** Only this record (re-delivery of one record). */
  attendanceDayId?: number;
  /** Also send records whose delivery failed (transient class). */
  retryFailed?: boolean;
  /** Send every matching record again, delivered and rejected ones included. */
  force?: boolean;
  /** Set by the workflow itself when it continues as new. */
  progress?: SyncProgress;
}

export interface RetryFailedSyncsInput extends DeliveryRunSettings {
  /** CRM_RETRY_FAILED_ROUNDS: automatic rounds a failed record gets before it is left to a person. */
  rounds: number;
  progress?: SyncProgress;
}

export const deliveryDefaults = {
  retryInitialIntervalMs: 10_000,
  retryBackoffCoefficient: 2,
  retryMaximumIntervalMs: 5 * 60_000,
  pagesPerRun: 10,
  deliverOn: 'workflow-worker' as DeliveryPlace,
  deliveryTimeoutMs: 60_000,
  /** Continue as new well before Temporal's history limits (51,200 events, 50 MB). */
  maxHistoryEvents: 10_000,
} as const;

/** Room above the HTTP timeout for reading the record and storing the attempt. */
const bookkeepingMarginMs = 30_000;

/** The run settings from the bridge's configuration. */
export function deliverySettingsFromConfig(config: Config): Required<DeliveryRunSettings> {
  return {
    crmTaskQueue: config.CRM_TASK_QUEUE,
    maxAttempts: config.CRM_MAX_RETRIES,
    pageSize: config.CRM_SYNC_BATCH_SIZE,
    deliveryTimeoutMs: config.CRM_REQUEST_TIMEOUT * 1000 + bookkeepingMarginMs,
    retryInitialIntervalMs: deliveryDefaults.retryInitialIntervalMs,
    retryBackoffCoefficient: deliveryDefaults.retryBackoffCoefficient,
    retryMaximumIntervalMs: deliveryDefaults.retryMaximumIntervalMs,
    pagesPerRun: deliveryDefaults.pagesPerRun,
    maxHistoryEvents: deliveryDefaults.maxHistoryEvents,
    deliverOn: config.CRM_DELIVERY_ON,
  };
}

export type SyncRequest = Pick<
  SyncToCrmInput,
  'limit' | 'startDate' | 'endDate' | 'userId' | 'attendanceDayId' | 'retryFailed' | 'force'
>;

/** The input of a sync (scheduled, or asked for through the API / CLI with `request`). */
export function syncToCrmInput(config: Config, request: SyncRequest = {}): SyncToCrmInput {
  return { ...deliverySettingsFromConfig(config), ...request };
}

export function retryFailedSyncsInput(config: Config): RetryFailedSyncsInput {
  return { ...deliverySettingsFromConfig(config), rounds: config.CRM_RETRY_FAILED_ROUNDS };
}

/** The records a sync picks up: pending ones; `retryFailed` adds failed ones; `force` takes all. */
export function syncSelection(input: SyncToCrmInput): DeliverySelection {
  const statuses: DeliverySelection['statuses'] = input.force
    ? ['pending', 'failed', 'rejected', 'delivered']
    : input.retryFailed
      ? ['pending', 'failed']
      : ['pending'];
  return {
    statuses,
    ...(input.startDate ? { startDate: input.startDate } : {}),
    ...(input.endDate ? { endDate: input.endDate } : {}),
    ...(input.userId ? { userId: input.userId } : {}),
    ...(input.attendanceDayId !== undefined ? { attendanceDayId: input.attendanceDayId } : {}),
  };
}

/** A retry round takes failed records that have had fewer than `rounds` rounds; rejected ones never. */
export function retryRoundSelection(input: RetryFailedSyncsInput): DeliverySelection {
  return { statuses: ['failed'], retryRoundsBelow: input.rounds };
}

/** What is wrong with a run's input, as messages naming the field; empty when it is usable. */
export function inputProblems(input: SyncToCrmInput | RetryFailedSyncsInput): string[] {
  const problems: string[] = [];
  const positive = (name: string, value: number | undefined, required: boolean) => {
    if (value === undefined ? required : !Number.isFinite(value) || value <= 0) {
      problems.push(`${name} must be a positive number, got ${value}`);
    }
  };
  if (!input.crmTaskQueue) problems.push('crmTaskQueue must name the CRM task queue (CRM_TASK_QUEUE)');
  for (const [name, value] of [
    ['maxAttempts', input.maxAttempts],
    ['pageSize', input.pageSize],
    ['pagesPerRun', input.pagesPerRun],
    ['maxHistoryEvents', input.maxHistoryEvents],
  ] as const) {
    positive(name, value, name !== 'pagesPerRun' && name !== 'maxHistoryEvents');
    if (value !== undefined && !Number.isInteger(value)) problems.push(`${name} must be a whole number`);
  }
  positive('deliveryTimeoutMs', input.deliveryTimeoutMs, false);
  positive('retryInitialIntervalMs', input.retryInitialIntervalMs, false);
  positive('retryMaximumIntervalMs', input.retryMaximumIntervalMs, false);
  if (
    input.deliverOn !== undefined &&
    input.deliverOn !== 'workflow-worker' &&
    input.deliverOn !== 'crm-queue'
  ) {
    problems.push(`deliverOn must be "workflow-worker" or "crm-queue", got "${input.deliverOn}"`);
  }
  if (input.retryBackoffCoefficient !== undefined && !(input.retryBackoffCoefficient >= 1)) {
    problems.push(`retryBackoffCoefficient must be at least 1, got ${input.retryBackoffCoefficient}`);
  }
  if ('rounds' in input && !(Number.isInteger(input.rounds) && input.rounds >= 0)) {
    problems.push(`rounds must be a whole number of 0 or more, got ${input.rounds}`);
  }
  if ('limit' in input && input.limit !== undefined && !(Number.isInteger(input.limit) && input.limit >= 0)) {
    problems.push(`limit must be a whole number of 0 or more, got ${input.limit}`);
  }
  for (const name of ['startDate', 'endDate'] as const) {
    const value = (input as SyncToCrmInput)[name];
    if (value !== undefined && !isCalendarDate(value)) {
      problems.push(`${name} must be a date as YYYY-MM-DD, got "${value}"`);
    }
  }
  return problems;
}
