import { CrmTransientError } from '../errors.js';

/**
 * The CRM's `Retry-After` becomes the delay before the next attempt, but never longer than
 * `maxDelayMs`: a CRM asking for an hour would otherwise hold the whole sync for that hour. A record
 * that still fails is marked failed and goes again in the next retry round.
 */
export function boundRetryAfter(error: CrmTransientError, maxDelayMs: number): CrmTransientError {
  const asked = error.details.retryAfterMs;
  if (asked === undefined || asked <= maxDelayMs) return error;
  return new CrmTransientError(
    error.message,
    { ...error.details, retryAfterMs: maxDelayMs },
    { cause: error },
  );
}
