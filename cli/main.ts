import { BridgeError, ConfigurationError } from '../lib/errors.js';

type Command = { run(argv: string[]): Promise<number> };

/** Each command's module is loaded only when it runs, so `attendance-bridge --help` stays quick. */
const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  start: { summary: 'run everything in one process (laptop)', load: () => import('./commands/start.js') },
  demo: {
    summary: 'run everything with simulated devices and a local CRM (try it out)',
    load: () => import('./commands/demo.js'),
  },
  api: { summary: 'run the HTTP API only (production)', load: () => import('./commands/api.js') },
  worker: {
    summary: 'run the Temporal workers only (production)',
    load: () => import('./commands/worker.js'),
  },
  migrate: { summary: 'apply database migrations', load: () => import('./commands/migrate.js') },
  devices: { summary: 'add and list devices', load: () => import('./commands/devices.js') },
  token: { summary: 'create, list and revoke API tokens', load: () => import('./commands/token.js') },
  users: {
    summary: 'web console users: create, list, disable, revoke sessions',
    load: () => import('./commands/users.js'),
  },
  import: {
    summary: 'load a USB attendance export (*_attlog.dat)',
    load: () => import('./commands/import.js'),
  },
  simulate: { summary: 'run simulated ZKTeco F18 devices', load: () => import('./commands/simulate.js') },
  'test-device': {
    summary: 'connect to a device and show its identity, counts and clock',
    load: () => import('./commands/testDevice.js'),
  },
  poll: {
    summary: 'poll devices now through Temporal and wait for the result',
    load: () => import('./commands/poll.js'),
  },
  process: {
    summary: 'build daily attendance records from punches now',
    load: () => import('./commands/process.js'),
  },
  sync: { summary: 'deliver daily records to the CRM now', load: () => import('./commands/sync.js') },
  'crm-test': {
    summary: 'check the CRM connection (and delivery stats)',
    load: () => import('./commands/crmTest.js'),
  },
  'device-users': {
    summary: 'read the enrolled users from devices and store them',
    load: () => import('./commands/deviceUsers.js'),
  },
  schedules: {
    summary: 'list, trigger, pause and unpause the schedules',
    load: () => import('./commands/schedules.js'),
  },
  status: { summary: 'devices, backlog and recent failures', load: () => import('./commands/status.js') },
};

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return [
    'Usage: attendance-bridge <command> [options]',
    '   or: npm run bridge -- <command> [options]   (in a clone of the project)',
    '',
    'Commands:',
    ...lines,
    '',
    `Run "attendance-bridge <command> --help" for a command's options.`,
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    console.error(`Unknown command "${name}".\n\n${usage()}`);
    return 2;
  }
  return (await command.load()).run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof BridgeError) {
      console.error(`attendance-bridge: ${error.message}`);
      process.exitCode = error instanceof ConfigurationError ? 2 : 1;
    } else {
      console.error('attendance-bridge: unexpected failure:', error);
      process.exitCode = 1;
    }
  },
);
