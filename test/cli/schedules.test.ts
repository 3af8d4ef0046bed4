import { Client, Connection } from '@temporalio/client';
import { run as schedules } from '../../cli/commands/schedules.js';
import { bridgeSchedules, ensureSchedules } from '../../worker/schedules.js';
import { waitFor } from '../support/bridgeProcess.js';
import { testConfig, testTemporalAddress } from '../support/temporal.js';
import { commandEnv, createTestNamespace, runCommand } from './support.js';

// The bridge's own schedule ids, in a Temporal namespace of this file's own.
let connection: Connection;
let client: Client;
let config: ReturnType<typeof testConfig>;
const env = () => commandEnv(config);

beforeAll(async () => {
  config = testConfig({ TEMPORAL_NAMESPACE: await createTestNamespace(), TIME_ZONE: 'Africa/Nairobi' });
  connection = await Connection.connect({ address: testTemporalAddress() });
  client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
});

afterAll(async () => {
  for (const schedule of bridgeSchedules(config)) {
    await client.schedule
      .getHandle(schedule.id)
      .delete()
      .catch(() => {});
  }
  await connection?.close();
});

const stateOf = async (id: string) => (await client.schedule.getHandle(id).describe()).state;

test('list says which schedules the bridge has not created yet', async () => {
  const result = await runCommand(schedules, ['list'], env());
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(/bridge-poll-devices\s+not created/);
  const pause = await runCommand(schedules, ['pause', '--id', 'poll-devices'], env());
  expect(pause.code).toBe(1);
  expect(pause.stderr).toContain('Schedule bridge-poll-devices does not exist yet');
});

test('list, pause, unpause and trigger drive the schedules the bridge created', async () => {
  await ensureSchedules(client, config);
  const listed = await runCommand(schedules, ['list'], env());
  expect(listed.code).toBe(0);
  const lines = listed.stdout.split('\n');
  expect(lines[0]).toMatch(/^ID\s+STATE\s+NEXT RUN\s+LAST RUN$/);
  for (const schedule of bridgeSchedules(config)) {
    expect(lines.find((line) => line.startsWith(schedule.id))).toMatch(
      new RegExp(
        `^${schedule.id}\\s+active\\s+\\d{4}-\\d\\d-\\d\\dT[\\d:]+\\+03:00 \\(in [^)]+\\)\\s+never$`,
      ),
    );
  }

  const one = await runCommand(schedules, ['pause', '--id', 'poll-devices', '--note', 'router swap'], env());
  expect(one.code).toBe(0);
  expect(one.stdout).toBe('bridge-poll-devices: paused\n');
  expect(await stateOf('bridge-poll-devices')).toMatchObject({ paused: true, note: 'router swap' });
  expect(await stateOf('bridge-sync-crm')).toMatchObject({ paused: false });
  const afterPause = await runCommand(schedules, ['list'], env());
  expect(afterPause.stdout).toMatch(/bridge-poll-devices\s+paused\s+-\s+never/);
  expect(afterPause.stdout).toContain('Pause notes:\n  bridge-poll-devices: router swap');

  const all = await runCommand(schedules, ['pause'], env());
  expect(all.code).toBe(0);
  expect(all.stdout).toContain('bridge-poll-devices: paused (it was already paused)');
  for (const schedule of bridgeSchedules(config)) expect((await stateOf(schedule.id)).paused).toBe(true);

  const unpaused = await runCommand(schedules, ['unpause', '--id', 'bridge-sync-crm'], env());
  expect(unpaused.stdout).toBe('bridge-sync-crm: unpaused\n');
  expect(await stateOf('bridge-sync-crm')).toMatchObject({
    paused: false,
    note: 'unpaused with "bridge schedules unpause"',
  });
  await runCommand(schedules, ['unpause'], env());
  for (const schedule of bridgeSchedules(config)) expect((await stateOf(schedule.id)).paused).toBe(false);

  const triggered = await runCommand(schedules, ['trigger', '--id', 'process-attendance'], env());
  expect(triggered.code).toBe(0);
  expect(triggered.stdout).toMatch(/^Triggered bridge-process-attendance: Build daily attendance records/);
  const handle = client.schedule.getHandle('bridge-process-attendance');
  await waitFor(async () => ((await handle.describe()).info.numActionsTaken === 1 ? true : undefined), {
    timeoutMs: 15_000,
    what: 'the triggered run',
  });
  const afterTrigger = await runCommand(schedules, ['list'], env());
  expect(afterTrigger.stdout).toMatch(/bridge-process-attendance\s+active.*ago\) process-attendance-/);
});

test('an unknown schedule id is a usage error that lists the ids', async () => {
  const result = await runCommand(schedules, ['trigger', '--id', 'bridge-coffee'], env());
  expect(result.code).toBe(2);
  expect(result.stderr).toContain('no schedule "bridge-coffee"; the schedules are bridge-poll-devices,');
});
