import { ApplicationFailure } from '@temporalio/common';
import { BridgeError, CrmTransientError } from '../lib/errors.js';

/**
 * The one place where our errors become Temporal failures: the failure type is the error's type, so
 * retry policies can name it, and non-retryable errors stop retries at once.
 */
export function toFailure(error: unknown): unknown {
  if (!(error instanceof BridgeError)) return error;
  const nextRetryDelay =
    error instanceof CrmTransientError && error.details.retryAfterMs ? error.details.retryAfterMs : undefined;
  return ApplicationFailure.create({
    message: error.message,
    type: error.type,
    nonRetryable: !error.retryable,
    nextRetryDelay,
    cause: error,
  });
}

/** Wraps an activity so the errors it throws reach Temporal with their type. */
export function mapFailures<Args extends unknown[], Result>(
  activity: (...args: Args) => Promise<Result>,
): (...args: Args) => Promise<Result> {
  return async (...args: Args) => {
    try {
      return await activity(...args);
    } catch (error) {
      throw toFailure(error);
    }
  };
}
