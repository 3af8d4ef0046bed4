import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The README's code map: files are named in camelCase; the command's own entry keeps its npm name. */
const root = fileURLToPath(new URL('..', import.meta.url));
const KEPT = new Set(['bin/attendance-bridge.js']);

test('every source, test and bench file is named in camelCase', () => {
  const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' })
    .split('\0')
    .filter((file) => /\.(ts|tsx|js)$/.test(file) && !KEPT.has(file));
  expect(tracked.length).toBeGreaterThan(100);
  const misnamed = tracked.filter((file) => !/^[a-z][a-zA-Z0-9]*(\.[a-z]+)*$/.test(path.basename(file)));
  expect(misnamed).toEqual([]);
});
