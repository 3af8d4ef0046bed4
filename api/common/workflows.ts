import { type Client, WorkflowFailedError } from '@temporalio/client';
import type { Workflow, WorkflowResultType } from '@temporalio/common';
import { failureMessage } from '../../workflows/failures.js';
import { startOrJoin, type WorkflowStart } from '../../workflows/starts.js';

/** How long a trigger waits for its workflow unless `?wait=` says otherwise. */
export const DEFAULT_WAIT_SECONDS = 25;

export const waitMs = (query: { wait?: number }) => (query.wait ?? DEFAULT_WAIT_SECONDS) * 1000;

export type WorkflowOutcome<Result> =
  | { state: 'completed'; workflowId: string; runId: string; result: Result }
  | { state: 'running'; workflowId: string; runId: string }
  | { state: 'failed'; workflowId: string; runId: string; error: string };

export interface WaitOptions {
  /** How long to wait for the result before answering that the workflow is still running. */
  waitMs: number;
  /** Put before the workflow id (tests keep their runs apart on a shared server). */
  idPrefix?: string;
}

/**
 * Starts a workflow, or attaches to the run of that id that is already going (a second "poll now"
 * while one runs must not fail, nor run the device twice), then waits for its result up to `waitMs`.
 * The workflow goes on when the wait ends; only the wait is cut short.
 */
export async function startOrAttach<W extends Workflow>(
  client: Client,
  start: WorkflowStart<W>,
  request: WaitOptions,
): Promise<WorkflowOutcome<WorkflowResultType<W>>> {
  const handle = await startOrJoin(client, start, request.idPrefix);
  const ids = { workflowId: handle.workflowId, runId: handle.firstExecutionRunId };
  if (request.waitMs <= 0) return { state: 'running', ...ids };
  const stopWaiting = new AbortController();
  const timer = setTimeout(() => stopWaiting.abort(), request.waitMs);
  try {
    const result = (await client.withAbortSignal(stopWaiting.signal, () =>
      handle.result(),
    )) as WorkflowResultType<W>;
    return { state: 'completed', ...ids, result };
  } catch (error) {
    if (stopWaiting.signal.aborted) return { state: 'running', ...ids };
    if (error instanceof WorkflowFailedError)
      return { state: 'failed', ...ids, error: failureMessage(error) };
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
