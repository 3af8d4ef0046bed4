import { run as crmTest } from '../../cli/commands/crmTest.js';
import { run as deviceUsers } from '../../cli/commands/deviceUsers.js';
import { run as poll } from '../../cli/commands/poll.js';
import { run as processAttendance } from '../../cli/commands/process.js';
import { run as schedules } from '../../cli/commands/schedules.js';
import { run as status } from '../../cli/commands/status.js';
import { run as sync } from '../../cli/commands/sync.js';
import { run as testDevice } from '../../cli/commands/testDevice.js';
import { freePort } from '../../runtime/ports.js';
import { runCommand } from './support.js';

// Bad usage is found before anything is contacted; these addresses would fail with 1, not 2.
const nowhere = {
  DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
  TEMPORAL_ADDRESS: '127.0.0.1:1',
  LOG_LEVEL: 'silent',
};

const commands = { testDevice, poll, processAttendance, sync, crmTest, deviceUsers, schedules, status };

test.each([
  ['testDevice', [], /give one of --ip, --device-id, --all/],
  ['testDevice', ['--ip', '10.0.0.5', '--all'], /give only one of --ip, --all/],
  ['testDevice', ['--ip', '10.0.0.5', '--host', '10.0.0.6'], /--ip or --host, not both/],
  ['testDevice', ['--device-id', 'x'], /--device-id must be a whole number/],
  ['testDevice', ['--all', '--port', '4370'], /--port goes with --ip/],
  ['testDevice', ['--ip', '10.0.0.5', '--port', '70000'], /--port must be at most 65535/],
  ['testDevice', ['--ip', '10.0.0.5', '--timezone', 'Mars/Olympus'], /--timezone must be an IANA zone/],
  ['poll', ['--bogus'], /Unknown option '--bogus'/],
  ['poll', ['--since-hours', '1', '--since-days', '1'], /--since-hours or --since-days, not both/],
  ['poll', ['--since-days', '1.5'], /--since-days must be a whole number/],
  ['poll', ['--device-id', '0'], /--device-id must be a whole number of 1 or more/],
  ['poll', ['--device-id', '2', '--all'], /--device-id or --all, not both/],
  ['processAttendance', ['--start-date', '2025-13-01'], /--start-date must be a date as YYYY-MM-DD/],
  ['processAttendance', ['--start-date', '2025-11-12', '--end-date', '2025-11-11'], /is after --end-date/],
  ['processAttendance', ['2025-11-11'], /Unexpected argument '2025-11-11'/],
  ['sync', ['--limit', '0'], /--limit must be a whole number of 1 or more/],
  ['sync', ['--end-date', '11/11/2025'], /--end-date must be a date/],
  ['sync', ['--force=yes'], /--force/],
  ['crmTest', ['--stat'], /Unknown option '--stat'/],
  ['deviceUsers', [], /give one of --device-id, --all/],
  ['deviceUsers', ['--device-id', '1', '--all'], /give only one of/],
  ['schedules', [], /give an action/],
  ['schedules', ['explode'], /unknown schedules action "explode"/],
  ['schedules', ['trigger'], /needs --id ID/],
  ['schedules', ['list', '--id', 'bridge-poll-devices'], /takes no --id/],
  ['status', ['--verbose'], /Unknown option '--verbose'/],
] as const)('%s %j exits 2 with the problem and the usage', async (name, argv, problem) => {
  const result = await runCommand(commands[name], [...argv], nowhere);
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(problem);
  expect(result.stderr).toContain('Usage:');
  expect(result.stdout).toBe('');
});

test.each(Object.keys(commands))('%s --help prints its usage and exits 0', async (name) => {
  const result = await runCommand(commands[name as keyof typeof commands], ['--help'], nowhere);
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(/^Usage:/);
});

test('a command that needs Temporal says where it looked and exits 1 when nothing answers', async () => {
  const port = await freePort();
  const result = await runCommand(poll, [], { ...nowhere, TEMPORAL_ADDRESS: `127.0.0.1:${port}` });
  expect(result.code).toBe(1);
  expect(result.stderr).toContain(
    `Temporal is not reachable at 127.0.0.1:${port}: is the bridge running (npm start)?`,
  );
});

test('without TEMPORAL_ADDRESS the local server of "npm start" is the one looked for', async () => {
  const port = await freePort();
  const result = await runCommand(schedules, ['list'], {
    ...nowhere,
    TEMPORAL_ADDRESS: undefined,
    TEMPORAL_DEV_PORT: String(port),
  });
  expect(result.code).toBe(1);
  expect(result.stderr).toContain(`Temporal is not reachable at 127.0.0.1:${port}`);
});
