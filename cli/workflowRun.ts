import {
  type Client,
  type WorkflowExecutionDescription,
  WorkflowFailedError,
  type WorkflowHandle,
  WorkflowNotFoundError,
} from '@temporalio/client';
import { fromPayloadsAtIndex, type Workflow, type WorkflowResultType } from '@temporalio/common';
import { ServiceUnavailableError, toBridgeError } from '../lib/errors.js';
import type { ReadProgress } from '../lib/zk/client/index.js';
import { failureMessage } from '../workflows/failures.js';
import { startOrJoin, type WorkflowStart } from '../workflows/starts.js';
import { Progress } from './progress.js';

export interface WorkflowRunRequest {
  /** What the run does, in words: 'Polling 3 devices'. */
  label: string;
  /** Feed the bar from the device reads' heartbeats (this run's activities and its children's). */
  showReadProgress?: boolean;
  /** How often the run is looked at while waiting. */
  checkEveryMs?: number;
  /** After this long without a worker taking the first task, say what may be missing. */
  noWorkerHintAfterMs?: number;
}

export type WorkflowRunOutcome<Result> =
  | { ok: true; result: Result; attached: boolean }
  | { ok: false; error: string; attached: boolean };

/**
 * Starts the workflow, or waits for the run of that id that is already going (asking twice must not
 * run the work twice), showing progress until it ends. Ctrl+C ends the wait only; the run goes on.
 */
export async function runWorkflow<W extends Workflow>(
  client: Client,
  start: WorkflowStart<W>,
  request: WorkflowRunRequest,
): Promise<WorkflowRunOutcome<WorkflowResultType<W>>> {
  const running = await describeIfRunning(client, start.workflowId);
  if (running) {
    console.log(
      `${start.workflowId} is already running (started ${running.startTime.toISOString()}); ` +
        'waiting for it instead of starting another.',
    );
  } else {
    // Someone may have started it between the look and the start: that run is joined.
    await startOrJoin(client, start);
  }
  // No run id: the result follows continue-as-new to the run that finishes.
  const handle = client.workflow.getHandle(start.workflowId);
  const attached = running !== null;
  try {
    const result = (await waitWithProgress(client, handle, start, request)) as WorkflowResultType<W>;
    return { ok: true, result, attached };
  } catch (error) {
    if (error instanceof WorkflowFailedError) return { ok: false, error: failureMessage(error), attached };
    // The server went away while we waited: say so and let the command fail, not the process.
    const outage = toBridgeError(error);
    if (outage instanceof ServiceUnavailableError && outage.message.startsWith('Temporal')) {
      return {
        ok: false,
        error:
          `the Temporal server is unreachable (${outage.message}); ${start.workflowId} may still ` +
          'finish once it is back ("attendance-bridge status" shows the result)',
        attached,
      };
    }
    throw error;
  }
}

async function describeIfRunning(client: Client, workflowId: string) {
  try {
    const description = await client.workflow.getHandle(workflowId).describe();
    return description.status.name === 'RUNNING' ? description : null;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return null;
    throw error;
  }
}

async function waitWithProgress(
  client: Client,
  handle: WorkflowHandle,
  start: WorkflowStart,
  request: WorkflowRunRequest,
): Promise<unknown> {
  const progress = new Progress(request.label);
  const result = handle.result();
  let finished = false;
  const settled = result.then(
    () => {
      finished = true;
    },
    () => {
      finished = true;
    },
  );
  let hinted = false;
  try {
    while (!finished) {
      await Promise.race([settled, delay(request.checkEveryMs ?? 500)]);
      if (finished) break;
      const description = await handle.describe().catch(() => null);
      if (!description) continue;
      if (!hinted && waitingForWorker(description, request.noWorkerHintAfterMs ?? 15_000)) {
        hinted = true;
        progress.finish();
        console.error(
          `No worker has taken ${start.workflowId} from task queue ${start.taskQueue} yet: ` +
            'is the bridge running (npm start, or "attendance-bridge worker")? Still waiting.',
        );
      }
      const read = request.showReadProgress ? await readProgress(client, description) : null;
      if (read) progress.update(read.bytesRead, read.totalBytes);
      else progress.spin();
    }
  } finally {
    progress.finish();
  }
  return result;
}

/** Sums the byte progress the pending activities (of the run and of its child runs) last reported. */
export async function readProgress(
  client: Client,
  description: WorkflowExecutionDescription,
): Promise<ReadProgress | null> {
  const children = description.raw.pendingChildren ?? [];
  const childDescriptions = await Promise.all(
    children.map((child) =>
      child.workflowId
        ? client.workflow
            .getHandle(child.workflowId, child.runId ?? undefined)
            .describe()
            .catch(() => null)
        : null,
    ),
  );
  const converter = client.options.loadedDataConverter.payloadConverter;
  let bytesRead = 0;
  let totalBytes = 0;
  let found = false;
  for (const run of [description, ...childDescriptions]) {
    for (const activity of run?.raw.pendingActivities ?? []) {
      const payloads = activity.heartbeatDetails?.payloads;
      if (!payloads?.length) continue;
      let details: unknown;
      try {
        details = fromPayloadsAtIndex(converter, 0, payloads);
      } catch {
        continue;
      }
      if (!isReadProgress(details)) continue;
      bytesRead += details.bytesRead;
      totalBytes += details.totalBytes;
      found = true;
    }
  }
  return found && totalBytes > 0 ? { bytesRead, totalBytes } : null;
}

function isReadProgress(value: unknown): value is ReadProgress {
  if (typeof value !== 'object' || value === null) return false;
  const { bytesRead, totalBytes } = value as Record<string, unknown>;
  return typeof bytesRead === 'number' && typeof totalBytes === 'number';
}

/** The first workflow task is still only scheduled, long after it was: no worker polls that queue. */
function waitingForWorker(description: WorkflowExecutionDescription, afterMs: number): boolean {
  const task = description.raw.pendingWorkflowTask;
  if (!task || description.historyLength > 2) return false;
  // PendingWorkflowTaskState 1 = SCHEDULED (2 = STARTED).
  if (Number(task.state) !== 1) return false;
  const scheduledMs = timestampMs(task.originalScheduledTime ?? task.scheduledTime);
  return scheduledMs !== null && Date.now() - scheduledMs > afterMs;
}

function timestampMs(ts: { seconds?: unknown; nanos?: number | null } | null | undefined): number | null {
  if (!ts || ts.seconds === undefined || ts.seconds === null) return null;
  const seconds = Number(String(ts.seconds));
  return Number.isFinite(seconds) ? seconds * 1000 + Math.floor((ts.nanos ?? 0) / 1e6) : null;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
