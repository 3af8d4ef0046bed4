import { DEFAULT_LOG_RETENTION_DAYS } from '../../lib/cleanup/index.js';
import { parseConfig } from '../../lib/config.js';
import { bridgeSchedules } from '../../worker/schedules.js';

test('the daily cleanup is scheduled from the settings, in the bridge time zone', () => {
  const config = parseConfig({
    RAW_RETENTION_DAYS: '30',
    CLEANUP_SCHEDULE_CRON: '15 3 * * *',
    TIME_ZONE: 'Africa/Nairobi',
  });
  const cleanup = bridgeSchedules(config).find((s) => s.id === 'bridge-daily-cleanup');
  expect(cleanup).toMatchObject({
    workflowType: 'dailyCleanup',
    workflowId: 'daily-cleanup',
    args: [{ retentionDays: 30, logRetentionDays: DEFAULT_LOG_RETENTION_DAYS }],
    spec: { cronExpressions: ['15 3 * * *'], timezone: 'Africa/Nairobi' },
  });
});

test('by default it runs at 02:00 and keeps raw punches 90 days', () => {
  const cleanup = bridgeSchedules(parseConfig({})).find((s) => s.id === 'bridge-daily-cleanup');
  expect(cleanup?.spec).toEqual({ cronExpressions: ['0 2 * * *'], timezone: 'UTC' });
  expect(cleanup?.args).toEqual([{ retentionDays: 90, logRetentionDays: 180 }]);
});
