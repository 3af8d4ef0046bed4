import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseConfig } from '../../lib/config.js';
import { projectDir } from '../../runtime/services.js';

const run = promisify(execFile);
const launcher = path.join(projectDir, 'bin', 'attendance-bridge.js');

// Every process started prints its heap limit (NODE_OPTIONS reaches the launcher and the bridge).
const printHeapLimit =
  "--import=data:text/javascript,import{getHeapStatistics}from'v8';console.error('heap-limit',getHeapStatistics().heap_size_limit)";

/** `attendance-bridge <args>` with a setting that stops it at once (exit 2), and the heap limits seen. */
async function heapLimitsOf(
  args: string[],
  settings: Record<string, string>,
): Promise<{ code: number; stderr: string; limitsMiB: number[] }> {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: 'not-a-port' };
  delete env.NODE_HEAP_LIMIT_MB;
  delete env.NODE_SEMI_SPACE_MB;
  Object.assign(env, settings);
  env.NODE_OPTIONS = [printHeapLimit, settings.NODE_OPTIONS ?? ''].join(' ').trim();
  const result = await run(process.execPath, [launcher, ...args], { cwd: projectDir, env, timeout: 60_000 })
    .then(({ stderr }) => ({ code: 0, stderr }))
    .catch((error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }));
  const limitsMiB = [...result.stderr.matchAll(/^heap-limit (\d+)$/gm)].map((m) => Number(m[1]) / 2 ** 20);
  return { ...result, limitsMiB };
}

describe('bin/attendance-bridge.js', () => {
  test.each([
    ['NODE_HEAP_LIMIT_MB', 'max-old-space-size'],
    ['NODE_SEMI_SPACE_MB', 'max-semi-space-size'],
  ] as const)("its default for %s is lib/config.ts's", (setting, flag) => {
    const source = readFileSync(launcher, 'utf8');
    const declared = new RegExp(`setting: '${setting}', flag: '${flag}', defaultMb: (\\d+)`).exec(source);
    expect(Number(declared?.[1])).toBe(parseConfig({})[setting]);
  });

  test('starts the worker in a child with the heap limit, and passes its exit code on', async () => {
    const { code, stderr, limitsMiB } = await heapLimitsOf(['worker'], {
      NODE_HEAP_LIMIT_MB: '100',
      NODE_SEMI_SPACE_MB: '2',
    });
    expect(code).toBe(2);
    expect(stderr).toContain('PORT');
    // The launcher with Node's own limit, then the bridge with 100 MiB of old space plus the young
    // generation (three semi-spaces: V8 counts it in the limit).
    expect(limitsMiB).toHaveLength(2);
    expect(limitsMiB[0]).toBeGreaterThan(400);
    expect(limitsMiB[1]).toBeGreaterThanOrEqual(100);
    expect(limitsMiB[1]).toBeLessThanOrEqual(100 + 3 * 2);
  }, 60_000);

  test('the defaults apply when the settings are unset: the young generation only', async () => {
    expect(parseConfig({}).NODE_HEAP_LIMIT_MB).toBe(0);
    const { limitsMiB } = await heapLimitsOf(['api'], {});
    // A child for the semi-space default, with Node's own old-space limit (far above 400 MiB).
    expect(limitsMiB).toHaveLength(2);
    expect(limitsMiB[1]).toBeGreaterThan(400);
  }, 60_000);

  test.each([
    ['0 turns them off', { NODE_HEAP_LIMIT_MB: '0', NODE_SEMI_SPACE_MB: '0' }],
    ['flags in NODE_OPTIONS win', { NODE_OPTIONS: '--max-old-space-size=300 --max_semi_space_size=4' }],
  ])(
    '%s: one process',
    async (_, settings) => {
      const { code, limitsMiB } = await heapLimitsOf(['worker'], settings);
      expect(code).toBe(2);
      expect(limitsMiB).toHaveLength(1);
    },
    60_000,
  );

  test('a short command runs in one process', async () => {
    const { limitsMiB } = await heapLimitsOf(['status'], { NODE_HEAP_LIMIT_MB: '100' });
    expect(limitsMiB).toHaveLength(1);
  }, 60_000);

  test('a bad setting is explained by the settings parser', async () => {
    const { code, stderr, limitsMiB } = await heapLimitsOf(['worker'], { NODE_HEAP_LIMIT_MB: 'lots' });
    expect(code).toBe(2);
    expect(stderr).toContain('NODE_HEAP_LIMIT_MB');
    expect(limitsMiB).toHaveLength(1);
  }, 60_000);
});
