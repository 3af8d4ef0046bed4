import type { Client } from '@temporalio/client';
import { bridgeSchedules, ensureSchedules } from '../../worker/schedules.js';
import { connectTestClient, testConfig } from '../support/temporal.js';

let client: Client;
let close: () => Promise<void>;
const suffix = Math.random().toString(36).slice(2, 8);

beforeAll(async () => {
  ({ client, close } = await connectTestClient());
});
afterAll(async () => {
  for (const schedule of bridgeSchedules(testConfig())) {
    await client.schedule
      .getHandle(`${schedule.id}-${suffix}`)
      .delete()
      .catch(() => {});
  }
  await close();
});

// Ids are suffixed so this file never touches another test's schedules on the shared server.
const schedulesFor = (config: ReturnType<typeof testConfig>) =>
  bridgeSchedules(config).map((s) => ({ ...s, id: `${s.id}-${suffix}` }));

test('schedules are created with stable ids, updated from settings, and keep an operator pause', async () => {
  const config = testConfig({ POLLING_INTERVAL_MINUTES: '15', TIME_ZONE: 'Africa/Nairobi' });
  const first = await ensureSchedules(client, config, schedulesFor(config));
  expect(first.created).toEqual(schedulesFor(config).map((s) => s.id));
  expect(first.created).toContain(`bridge-poll-devices-${suffix}`);

  const poll = client.schedule.getHandle(`bridge-poll-devices-${suffix}`);
  let described = await poll.describe();
  expect(described.spec.intervals?.[0]?.every).toBe(15 * 60 * 1000);
  expect(described.spec.timezone).toBe('Africa/Nairobi');
  expect(described.policies.overlap).toBe('SKIP');
  expect(described.action).toMatchObject({
    workflowType: 'pollAllDevices',
    taskQueue: config.TEMPORAL_TASK_QUEUE,
  });

  const process = await client.schedule.getHandle(`bridge-process-attendance-${suffix}`).describe();
  expect(process.spec.calendars?.length).toBeGreaterThan(0);

  await poll.pause('maintenance window');
  const changed = testConfig({ POLLING_INTERVAL_MINUTES: '5', TIME_ZONE: 'Africa/Nairobi' });
  const second = await ensureSchedules(client, changed, schedulesFor(changed));
  expect(second.created).toEqual([]);
  expect(second.updated).toContain(`bridge-poll-devices-${suffix}`);

  described = await poll.describe();
  expect(described.spec.intervals?.[0]?.every).toBe(5 * 60 * 1000);
  expect(described.state.paused).toBe(true);
  expect(described.state.note).toBe('maintenance window');
});
