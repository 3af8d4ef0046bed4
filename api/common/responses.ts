/** The original's 404 body, for an id that names nothing. */
export const NOT_FOUND = { detail: 'Not found.' } as const;

/** The answer of a trigger whose workflow is still running when the wait ends. */
export function stillRunning(outcome: { workflowId: string; runId: string }) {
  return { workflow_id: outcome.workflowId, run_id: outcome.runId, status: 'running' as const };
}
