import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const projectDir = fileURLToPath(new URL('../..', import.meta.url));

// The install-time guard of postgres.js's deferred write (docs/RELIABILITY.md). The scenario that
// restarts PostgreSQL under load (workerAndDatabase.test.ts) shows the worker survives with it.
test('the installed postgres.js has the nextWrite guard in every build, and the check says so', () => {
  const check = spawnSync(process.execPath, ['scripts/patchPostgres.js', '--check'], {
    cwd: projectDir,
    encoding: 'utf8',
  });
  expect({ code: check.status, stderr: check.stderr }).toEqual({ code: 0, stderr: '' });
  const dir = path.resolve(path.dirname(createRequire(import.meta.url).resolve('postgres')), '..', '..');
  for (const build of ['src', 'cjs/src', 'cf/src']) {
    const source = readFileSync(path.join(dir, build, 'connection.js'), 'utf8');
    const nextWrite = source.slice(
      source.indexOf('function nextWrite('),
      source.indexOf('function connectTimedOut'),
    );
    expect({ build, guarded: /if \(!socket\) \{[^}]*CONNECTION_CLOSED/.test(nextWrite) }).toEqual({
      build,
      guarded: true,
    });
  }
});
