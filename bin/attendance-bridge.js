#!/usr/bin/env node
// The `attendance-bridge` command. It runs the CLI from its TypeScript sources through tsx (a runtime
// dependency), so a fresh clone and a global install work without a build step.
//
// The commands that keep running (start, demo, api, worker) get the heap sizes NODE_HEAP_LIMIT_MB and
// NODE_SEMI_SPACE_MB (lib/config.ts): V8 reads them only when a process starts, so this file, plain
// JavaScript that loads nothing heavy, starts the bridge as a child with the flags and passes signals
// and the exit code through. It costs one small process (about 20 MiB of its own, 8 MiB of it not
// shared with the child: the node binary's pages are).
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';
import dotenv from 'dotenv';

// The defaults of these settings in lib/config.ts (test/cli/launcher.test.ts checks they agree).
const HEAP_FLAGS = [
  { setting: 'NODE_HEAP_LIMIT_MB', flag: 'max-old-space-size', defaultMb: 0 },
  { setting: 'NODE_SEMI_SPACE_MB', flag: 'max-semi-space-size', defaultMb: 4 },
];
const LONG_RUNNING = new Set(['start', 'demo', 'api', 'worker']);

/** The Node flags to start the command with, or null to run it in this process as it is. */
function heapFlags(argv, env, execArgv) {
  if (!LONG_RUNNING.has(argv[0]) || argv.includes('--help')) return null;
  const given = [...execArgv, ...(env.NODE_OPTIONS ?? '').split(/\s+/)];
  const fromFile = {};
  dotenv.config({ processEnv: fromFile, quiet: true });
  const flags = [];
  for (const { setting, flag, defaultMb } of HEAP_FLAGS) {
    // A flag given to Node directly (NODE_OPTIONS, node --flag) wins; in the child, it stops a loop.
    const pattern = new RegExp(`^--${flag.replaceAll('-', '[-_]')}(=|$)`);
    if (given.some((arg) => pattern.test(arg))) continue;
    const raw = (env[setting] ?? fromFile[setting] ?? '').trim();
    // Anything else than a whole number is left to the settings' parser, which explains what it allows.
    if (raw !== '' && !/^\d+$/.test(raw)) return null;
    const mb = raw === '' ? defaultMb : Number(raw);
    if (mb > 0) flags.push(`--${flag}=${mb}`);
  }
  return flags.length > 0 ? flags : null;
}

const argv = process.argv.slice(2);
const flags = heapFlags(argv, process.env, process.execArgv);
if (flags === null) {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../cli/main.ts');
} else {
  // In this process group, so whatever stops the group stops the bridge too; a signal sent to this
  // process alone (docker stop, kill) is passed on. The bridge takes a repeated one as the same stop.
  const child = spawn(
    process.execPath,
    [...process.execArgv, ...flags, fileURLToPath(import.meta.url), ...argv],
    { stdio: 'inherit' },
  );
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('error', (error) => {
    console.error(`attendance-bridge: could not start: ${error.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? 128 + (constants.signals[signal] ?? 0);
  });
}
