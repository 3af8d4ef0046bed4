import { randomBytes } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import { dailyCleanup } from '../../workflows/index.js';
import { type ApiHarness, startApiHarness } from '../api/harness.js';
import { waitFor } from '../support/bridgeProcess.js';
import { bridgeFamilies, onQueue, processFamilies } from './families.js';
import { parseExposition } from './parse.js';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApiHarness({ workers: true });
}, 120_000);
afterAll(async () => {
  await api?.close();
});

// `npm start`: the API and the workers in one process, so one scrape of /metrics shows everything.
test('one scrape shows our families, the process and the Temporal worker after workflows ran', async () => {
  const processed = await api.call('POST', '/api/processed-attendance/process/');
  expect(processed.status).toBe(200);
  // A run whose activity fails (an invalid retention), for the worker's failure counter.
  const failing = api.temporal.workflow.execute(dailyCleanup, {
    taskQueue: api.config.TEMPORAL_TASK_QUEUE,
    workflowId: `${api.workflowIdPrefix}cleanup-${randomBytes(4).toString('hex')}`,
    args: [{ retentionDays: 0, logRetentionDays: 180 }],
  });
  await expect(failing).rejects.toBeInstanceOf(WorkflowFailedError);

  const { main, crm, devices } = {
    main: api.config.TEMPORAL_TASK_QUEUE,
    crm: api.config.CRM_TASK_QUEUE,
    devices: api.config.DEVICE_TASK_QUEUE,
  };
  // The SDK records a task's figures as it completes it, a moment after the run's result is out.
  const families = await waitFor(
    async () => {
      const response = await api.call('GET', '/metrics', { authorization: null });
      const parsed = parseExposition(response.text);
      const failed = onQueue(parsed, 'temporal_activity_execution_failed_total', main);
      return failed.some((s) => s.labels.activity_type === 'runDailyCleanup') ? parsed : undefined;
    },
    { timeoutMs: 30_000, what: 'the failed cleanup activity in the worker metrics' },
  );

  const page = await api.call('GET', '/metrics', { authorization: null });
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  for (const name of [...bridgeFamilies, ...processFamilies]) {
    expect({ name, present: families.has(name) }).toEqual({ name, present: true });
  }
  expect(families.get('nodejs_gc_duration_seconds')?.type).toBe('histogram');

  // Task slots of each of the three workers.
  for (const queue of [main, devices, crm]) {
    const slots = onQueue(families, 'temporal_worker_task_slots_available', queue);
    expect({ queue, slotKinds: slots.length > 0 }).toEqual({ queue, slotKinds: true });
  }
  // Schedule-to-start latency of the workflow tasks and the activities that ran.
  const workflowLatency = onQueue(families, 'temporal_workflow_task_schedule_to_start_latency_seconds', main);
  expect(workflowLatency.find((s) => s.suffix === '_count')?.value).toBeGreaterThanOrEqual(2);
  expect(families.get('temporal_activity_schedule_to_start_latency_seconds')?.type).toBe('histogram');
  const completed = onQueue(families, 'temporal_workflow_completed_total', main);
  expect(completed.find((s) => s.labels.workflow_type === 'processAttendance')?.value).toBeGreaterThanOrEqual(
    1,
  );
  const failed = onQueue(families, 'temporal_activity_execution_failed_total', main);
  expect(failed.find((s) => s.labels.activity_type === 'runDailyCleanup')?.value).toBeGreaterThanOrEqual(1);
}, 120_000);
