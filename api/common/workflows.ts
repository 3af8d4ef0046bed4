import { type Client, WorkflowFailedError } from '@temporalio/client';

/** How long a trigger waits for its workflow unless `?wait=` says otherwise. */
export const DEFAULT_WAIT_SECONDS = 25;

export const waitMs = (query: { wait?: number }) => (query.wait ?? DEFAULT_WAIT_SECONDS) * 1000;

export type WorkflowOutcome<Result> =
  | { state: 'completed'; workflowId: string; runId: string; result: Result }
  | { state: 'running'; workflowId: string; runId: string }
  | { state: 'failed'; workflowId: string; runId: string; error: string };

export interface StartOrAttach<Input> {
  workflowType: string;
  workflowId: string;
  taskQueue: string;
  input: Input;
  /** How long to wait for the result before answering that the workflow is still running. */
  waitMs: number;
}

/**
 * Starts a workflow, or attaches to the run of that id that is already going (a second "poll now"
 * while one runs must not fail, nor run the device twice), then waits for its result up to `waitMs`.
 * The workflow goes on when the wait ends; only the wait is cut short.
 */
export async function startOrAttach<Input, Result>(
  client: Client,
  request: StartOrAttach<Input>,
): Promise<WorkflowOutcome<Result>> {
  const handle = await client.workflow.start(request.workflowType, {
    workflowId: request.workflowId,
    taskQueue: request.taskQueue,
    args: [request.input],
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'ALLOW_DUPLICATE',
  });
  const ids = { workflowId: handle.workflowId, runId: handle.firstExecutionRunId };
  if (request.waitMs <= 0) return { state: 'running', ...ids };
  const stopWaiting = new AbortController();
  const timer = setTimeout(() => stopWaiting.abort(), request.waitMs);
  try {
    const result = (await client.withAbortSignal(stopWaiting.signal, () => handle.result())) as Result;
    return { state: 'completed', ...ids, result };
  } catch (error) {
    if (stopWaiting.signal.aborted) return { state: 'running', ...ids };
    if (error instanceof WorkflowFailedError) {
      const cause = error.cause instanceof Error ? error.cause.message : error.message;
      return { state: 'failed', ...ids, error: cause };
    }
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
