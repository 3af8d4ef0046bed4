import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../runtime/ports.js';
import { localBridgeEnv, waitFor } from '../support/bridgeProcess.js';

// The README's first steps, run as a newcomer would: its shell lines as written, in the clone, with
// the ports and data directory of this run given through the environment. The one rewrite is the
// device port (4370 in the README), which must be free here.
const projectDir = fileURLToPath(new URL('../..', import.meta.url));
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The lines of the first fenced block after `marker`. */
function codeBlockAfter(marker: string): string[] {
  const from = readme.indexOf(marker);
  expect(from).toBeGreaterThanOrEqual(0);
  const block = /```\n([\s\S]*?)```/.exec(readme.slice(from));
  return (block?.[1] ?? '').split('\n').filter((line) => line.trim() !== '');
}

interface Step {
  command: string;
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

function runShell(command: string, env: Record<string, string>): Step {
  const inherited = { ...process.env };
  for (const name of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'NODE_OPTIONS', 'API_TOKEN'])
    delete inherited[name];
  // Its own process group, so the servers among the steps are stopped with everything they started.
  const child = spawn('sh', ['-c', command], {
    cwd: projectDir,
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { command, child, output: () => output, exited };
}

async function stopGroup(step: Step): Promise<void> {
  if (step.child.exitCode !== null || !step.child.pid) return;
  const group = -step.child.pid;
  process.kill(group, 'SIGTERM');
  await waitFor(
    async () => {
      try {
        process.kill(group, 0);
        return undefined;
      } catch {
        return true;
      }
    },
    { timeoutMs: 60_000, what: `"${step.command}" to stop` },
  ).catch(() => process.kill(group, 'SIGKILL'));
}

describe("the README's quick start and 'Try it'", () => {
  const servers: Step[] = [];
  let env: Record<string, string>;

  beforeAll(async () => {
    // The poll schedule fires on the quarter hours: one between `devices add` and `poll` would store
    // the punches before the README's poll does. Once a day keeps that off this test's few minutes.
    env = await localBridgeEnv({ POLLING_INTERVAL_MINUTES: '1440' });
  });

  afterAll(async () => {
    for (const server of servers.reverse()) await stopGroup(server);
    rmSync(env.DATA_DIR, { recursive: true, force: true });
  });

  /** Runs one README line: to its end, or, for a server (it says "Press Ctrl+C"), until it is up. */
  async function step(command: string): Promise<Step> {
    const running = runShell(command, env);
    const done = await waitFor(
      async () => {
        if (running.child.exitCode !== null) return 'exited';
        return running.output().includes('Press Ctrl+C') ? 'serving' : undefined;
      },
      { timeoutMs: 180_000, what: `"${command}"` },
    );
    if (done === 'serving') servers.push(running);
    else expect([command, await running.exited, running.output()]).toEqual([command, 0, expect.any(String)]);
    return running;
  }

  test('a device simulated in the zone it is added with polls with its clock in step', async () => {
    const quickStart = codeBlockAfter('## Quick start');
    // `npm ci` and `npm test` are what brought this run here.
    expect(quickStart).toEqual(['npm ci', 'npm start', 'npm test']);
    const bridge = await step('npm start');
    expect(bridge.output()).toContain('Attendance bridge is running.');

    const devicePort = String(await freePort());
    const tryIt = codeBlockAfter('Try it').map((line) =>
      line.replaceAll('--port 4370', `--port ${devicePort}`),
    );
    expect(tryIt.some((line) => line.includes(`--port ${devicePort}`))).toBe(true);
    const outputs: string[] = [];
    for (const line of tryIt) outputs.push((await step(line)).output());

    const [simulator, added, listed, polled] = outputs;
    expect(simulator).toMatch(
      new RegExp(`F18 simulator 0: 127\\.0\\.0\\.1:${devicePort} .*50 users, 20000 punches`),
    );
    expect(added).toContain(`Device 1 "Main Office" added (127.0.0.1:${devicePort}, Africa/Nairobi).`);
    expect(listed).toMatch(
      new RegExp(`\\n1 +Main Office +pull +127\\.0\\.0\\.1:${devicePort} +\\S+ +Africa/Nairobi +enabled `),
    );
    // The counts the README shows, and a clock under a minute off (seconds only) where a zone
    // mismatch shows hours.
    const documented = /The poll ends with `[^`]*: ok, (\d+) punches read, (\d+) new,/.exec(readme);
    expect(documented).not.toBeNull();
    const [, read, inserted] = documented ?? [];
    expect(polled).toMatch(
      new RegExp(`: ok, ${read} punches read, ${inserted} new, clock (in step|\\d+ s (ahead|behind))\n`),
    );
  }, 600_000);
});
