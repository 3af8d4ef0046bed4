import { BridgeError, ConfigurationError } from '../lib/errors.js';

type Command = { run(argv: string[]): Promise<number>; summary: string };

const commands: Record<string, () => Promise<Command>> = {
  start: async () => ({
    ...(await import('./commands/start.js')),
    summary: 'run everything in one process (laptop)',
  }),
  api: async () => ({
    ...(await import('./commands/api.js')),
    summary: 'run the HTTP API only (production)',
  }),
  worker: async () => ({
    ...(await import('./commands/worker.js')),
    summary: 'run the Temporal workers only (production)',
  }),
  migrate: async () => ({ ...(await import('./commands/migrate.js')), summary: 'apply database migrations' }),
  devices: async () => ({ ...(await import('./commands/devices.js')), summary: 'add and list devices' }),
  token: async () => ({
    ...(await import('./commands/token.js')),
    summary: 'create, list and revoke API tokens',
  }),
  import: async () => ({
    ...(await import('./commands/import.js')),
    summary: 'load a USB attendance export (*_attlog.dat)',
  }),
  simulate: async () => ({
    ...(await import('./commands/simulate.js')),
    summary: 'run simulated ZKTeco F18 devices',
  }),
};

function usage(): string {
  const lines = Object.keys(commands).map((name) => `  ${name}`);
  return `Usage: bridge <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun "bridge <command> --help" for a command's options.`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const load = commands[name];
  if (!load) {
    console.error(`Unknown command "${name}".\n\n${usage()}`);
    return 2;
  }
  return (await load()).run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof BridgeError) {
      console.error(`bridge: ${error.message}`);
      process.exitCode = error instanceof ConfigurationError ? 2 : 1;
    } else {
      console.error('bridge: unexpected failure:', error);
      process.exitCode = 1;
    }
  },
);
