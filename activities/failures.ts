import { ApplicationFailure } from '@temporalio/common';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, Next } from '@temporalio/worker';
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

/**
 * Maps the errors of every activity a worker runs, whatever activity it is: registered once per
 * worker, so an activity added later cannot reach Temporal without its failure type.
 */
export class FailureTypeInterceptor implements ActivityInboundCallsInterceptor {
  async execute(
    input: ActivityExecuteInput,
    next: Next<ActivityInboundCallsInterceptor, 'execute'>,
  ): Promise<unknown> {
    try {
      return await next(input);
    } catch (error) {
      throw toFailure(error);
    }
  }
}
