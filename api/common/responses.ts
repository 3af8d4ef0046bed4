import type { Context } from 'hono';
import type { WorkflowOutcome } from './workflows.js';

/** The original's 404 body, for an id that names nothing. */
export const NOT_FOUND = { detail: 'Not found.' } as const;

/**
 * The answer of a trigger: 200 with the workflow's result, 202 with its ids while it still runs after
 * the wait, or 502 saying what failed (`what` names the run: "processing", "poll of device 3").
 */
export async function answerTrigger<Result, Body>(
  c: Context,
  outcome: WorkflowOutcome<Result>,
  what: string,
  body: (result: Result) => Body | Promise<Body>,
) {
  if (outcome.state === 'running') {
    return c.json(
      { workflow_id: outcome.workflowId, run_id: outcome.runId, status: 'running' as const },
      202,
    );
  }
  if (outcome.state === 'failed') return c.json({ error: `${what} failed: ${outcome.error}` }, 502);
  return c.json(await body(outcome.result), 200);
}
