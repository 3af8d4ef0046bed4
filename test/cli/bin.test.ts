import { execFile } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { projectDir } from '../../runtime/services.js';

const run = promisify(execFile);

// npm must never fetch a package of the same name from the registry: offline, a missing bin fails.
function npmEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, npm_config_offline: 'true', npm_config_yes: 'false' };
  delete env.NODE_OPTIONS;
  return env;
}

async function runOk(file: string, args: string[], cwd: string): Promise<string> {
  const { stdout } = await run(file, args, { cwd, env: npmEnv(), timeout: 60_000 });
  return stdout;
}

const usage = /^Usage: attendance-bridge <command> \[options\]$/m;

describe('the attendance-bridge command', () => {
  test('package.json names a bin file that exists and is executable', () => {
    const manifest = JSON.parse(readFileSync(path.join(projectDir, 'package.json'), 'utf8'));
    expect(Object.keys(manifest.bin)).toEqual(['attendance-bridge']);
    expect(() =>
      accessSync(path.join(projectDir, manifest.bin['attendance-bridge']), constants.X_OK),
    ).not.toThrow();
  });

  test('npx attendance-bridge --help runs our CLI from the clone, without a build', async () => {
    expect(await runOk('npx', ['attendance-bridge', '--help'], projectDir)).toMatch(usage);
  });

  test('a global install runs it from any directory', async () => {
    const prefix = mkdtempSync(path.join(os.tmpdir(), 'bridge-global-'));
    try {
      await runOk(
        'npm',
        ['install', '-g', projectDir, '--prefix', prefix, '--no-audit', '--no-fund'],
        prefix,
      );
      const installed = path.join(prefix, 'bin', 'attendance-bridge');
      expect(await runOk(installed, ['--help'], prefix)).toMatch(usage);
      expect(await runOk(installed, ['devices', 'add', '--help'], prefix)).toMatch(
        /attendance-bridge devices add/,
      );
      await expect(run(installed, ['no-such-command'], { cwd: prefix, env: npmEnv() })).rejects.toMatchObject(
        {
          code: 2,
          stderr: expect.stringMatching(/Unknown command "no-such-command"/),
        },
      );
    } finally {
      rmSync(prefix, { recursive: true, force: true });
    }
  });
});
