import { ApplicationFailure } from '@temporalio/common';

/**
 * The message of the error an activity or a workflow raised itself. Temporal wraps it in failures
 * that only say something below failed (ActivityFailure, ChildWorkflowFailure, the client's
 * WorkflowFailedError); our errors travel as ApplicationFailures whose message is already the whole
 * sentence for a person, so the causes under one (the socket error under "device 3 refused the TCP
 * connection") add nothing. The first ApplicationFailure down the causes, else the innermost message.
 * Pure, so that workflows load it as the API and the CLI do.
 */
export function failureMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  let current = error;
  let message = error.message;
  while (!(current instanceof ApplicationFailure) && current.cause instanceof Error) {
    current = current.cause;
    if (current.message) message = current.message;
  }
  return message;
}
