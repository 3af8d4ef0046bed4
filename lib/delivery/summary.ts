import type { DeliveryPageItem, DeliveryResult, SyncResult } from './types.js';

/** Said by a run that did nothing because no CRM is configured; records stay pending. */
export const noCrmConfigured = 'no CRM configured (CRM_API_URL)';

/** Errors listed in a run's result; the rest are counted, and each record keeps its own last error. */
export const maxSyncErrors = 100;

export function emptySyncResult(): SyncResult {
  return { total: 0, successful: 0, failed: 0, notSent: 0, errors: [] };
}

export function addDeliveryResult(result: SyncResult, delivery: DeliveryResult): SyncResult {
  return delivery.status === 'delivered'
    ? { ...result, total: result.total + 1, successful: result.successful + 1 }
    : { ...result, total: result.total + 1, notSent: result.notSent + 1 };
}

export function addDeliveryFailure(result: SyncResult, item: DeliveryPageItem, error: string): SyncResult {
  const errors =
    result.errors.length < maxSyncErrors
      ? [...result.errors, { user_id: item.userId, date: item.date, error }]
      : result.errors;
  return { ...result, total: result.total + 1, failed: result.failed + 1, errors };
}
