import type { WorkflowOutcome } from '../common/workflows.js';
import { Notice } from './layout.js';

/**
 * What became of a workflow a button started: its id (to find it in the Temporal Web UI) and its
 * result, still running after the wait, or why it failed. `describe` turns a result into lines.
 */
export function WorkflowResult<Result>(props: {
  what: string;
  outcome: WorkflowOutcome<Result>;
  describe: (result: Result) => string[];
}) {
  const { outcome } = props;
  return (
    <div class="workflow-result" id="action-result-body">
      {outcome.state === 'completed' ? (
        <Notice kind="ok">{props.what} finished.</Notice>
      ) : outcome.state === 'running' ? (
        <Notice kind="info">{props.what} is still running; it goes on without this page.</Notice>
      ) : (
        <Notice kind="error">
          {props.what} failed: {outcome.error}
        </Notice>
      )}
      <dl class="pairs">
        <dt>Workflow id</dt>
        <dd>
          <code>{outcome.workflowId}</code>
        </dd>
        <dt>Run id</dt>
        <dd>
          <code>{outcome.runId}</code>
        </dd>
        {outcome.state === 'completed'
          ? props.describe(outcome.result).map((line) => {
              const [term, ...rest] = line.split(': ');
              return (
                <>
                  <dt>{term}</dt>
                  <dd>{rest.join(': ')}</dd>
                </>
              );
            })
          : null}
      </dl>
    </div>
  );
}
