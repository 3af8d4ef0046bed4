import { parseConfig } from '../../lib/config.js';
import {
  deliverySettingsFromConfig,
  inputProblems,
  retryFailedSyncsInput,
  retryRoundSelection,
  type SyncToCrmInput,
  syncSelection,
  syncToCrmInput,
} from '../../lib/delivery/input.js';
import { boundRetryAfter } from '../../lib/delivery/retry.js';
import { CrmTransientError } from '../../lib/errors.js';
import { bridgeSchedules } from '../../worker/schedules.js';
import { syncWorkflowIds } from '../../workflows/ids.js';

const config = parseConfig({
  CRM_TASK_QUEUE: 'crm-q',
  CRM_SYNC_CONCURRENCY: '6',
  CRM_MAX_RETRIES: '5',
  CRM_SYNC_BATCH_SIZE: '250',
  CRM_REQUEST_TIMEOUT: '20',
  CRM_RETRY_FAILED_ROUNDS: '3',
});
const base = syncToCrmInput(config);

describe('run input from the settings', () => {
  test('the schedules pass the CRM settings to both workflows', () => {
    const schedules = Object.fromEntries(bridgeSchedules(config).map((s) => [s.id, s]));
    expect(schedules['bridge-sync-crm']).toMatchObject({
      workflowId: syncWorkflowIds.scheduled,
      args: [base],
    });
    expect(schedules['bridge-retry-failed-syncs']).toMatchObject({
      workflowId: syncWorkflowIds.retryRound,
      args: [{ ...base, rounds: 3 }],
    });
    expect(base).toEqual({
      crmTaskQueue: 'crm-q',
      maxAttempts: 5,
      pageSize: 250,
      deliveryTimeoutMs: 50_000,
      retryInitialIntervalMs: 10_000,
      retryBackoffCoefficient: 2,
      retryMaximumIntervalMs: 300_000,
      pagesPerRun: 10,
      maxHistoryEvents: 10_000,
      deliverOn: 'workflow-worker',
    });
    expect(deliverySettingsFromConfig(config)).toEqual(base);
    expect(retryFailedSyncsInput(config)).toEqual({ ...base, rounds: 3 });
  });

  test('a manual request adds its filters', () => {
    expect(syncToCrmInput(config, { limit: 10, userId: 'EMP001', force: true })).toEqual({
      ...base,
      limit: 10,
      userId: 'EMP001',
      force: true,
    });
    expect(syncWorkflowIds.record(42)).toBe('sync-to-crm/record-42');
  });
});

describe('which records a run picks up', () => {
  test.each<[string, Partial<SyncToCrmInput>, object]>([
    ['a plain sync: pending only', {}, { statuses: ['pending'] }],
    ['--retry-failed adds failed', { retryFailed: true }, { statuses: ['pending', 'failed'] }],
    [
      '--force takes every status',
      { force: true, retryFailed: true },
      { statuses: ['pending', 'failed', 'rejected', 'delivered'] },
    ],
    [
      'filters pass through',
      { startDate: '2025-11-01', endDate: '2025-11-30', userId: 'EMP001', attendanceDayId: 7 },
      {
        statuses: ['pending'],
        startDate: '2025-11-01',
        endDate: '2025-11-30',
        userId: 'EMP001',
        attendanceDayId: 7,
      },
    ],
  ])('%s', (_name, request, expected) => {
    expect(syncSelection({ ...base, ...request })).toEqual(expected);
  });

  test('a retry round takes failed records with rounds left, never rejected ones', () => {
    expect(retryRoundSelection(retryFailedSyncsInput(config))).toEqual({
      statuses: ['failed'],
      retryRoundsBelow: 3,
    });
  });
});

describe('inputProblems', () => {
  test.each<[string, object, RegExp | null]>([
    ['the scheduled input', {}, null],
    ['no task queue', { crmTaskQueue: '' }, /crmTaskQueue must name the CRM task queue/],
    ['zero page size', { pageSize: 0 }, /pageSize must be a positive number, got 0/],
    [
      'an unknown place to deliver',
      { deliverOn: 'elsewhere' },
      /deliverOn must be "workflow-worker" or "crm-queue"/,
    ],
    ['fractional page size', { pageSize: 2.5 }, /pageSize must be a whole number/],
    ['negative limit', { limit: -1 }, /limit must be a whole number of 0 or more/],
    ['a date in another shape', { startDate: '11/11/2025' }, /startDate must be a date as YYYY-MM-DD/],
    ['a shrinking back-off', { retryBackoffCoefficient: 0.5 }, /retryBackoffCoefficient must be at least 1/],
    ['negative rounds', { rounds: -1 }, /rounds must be a whole number of 0 or more/],
  ])('%s', (_name, overrides, problem) => {
    const problems = inputProblems({ ...base, ...overrides } as SyncToCrmInput);
    if (problem === null) expect(problems).toEqual([]);
    else expect(problems.join('\n')).toMatch(problem);
  });
});

describe('boundRetryAfter', () => {
  test.each([
    ['no Retry-After', undefined, undefined],
    ['a short Retry-After', 2000, 2000],
    ['a Retry-After beyond the ceiling', 3_600_000, 300_000],
  ])('%s', (_name, asked, expected) => {
    const error = new CrmTransientError('CRM answered 429', { status: 429, retryAfterMs: asked });
    const bounded = boundRetryAfter(error, 300_000);
    expect(bounded).toBeInstanceOf(CrmTransientError);
    expect(bounded.message).toBe('CRM answered 429');
    expect(bounded.details).toEqual({ status: 429, retryAfterMs: expected });
  });
});
