/**
 * Guards postgres.js against a write deferred by setImmediate that runs after its socket closed:
 * unguarded, it throws `TypeError: Cannot read properties of null (reading 'write')` outside any
 * query, and the worker dies when PostgreSQL restarts (porsager/postgres issues 1066, 1154, 1208).
 * The guard settles the connection's queries with CONNECTION_CLOSED instead, which our retries
 * handle. Run by `npm install` / `npm ci` (postinstall); `--check` only reports. It fails loudly
 * when the code it patches has changed, so an upgrade of postgres is looked at, not silently left
 * unpatched (docs/RELIABILITY.md says how to tell when the patch can go).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const MARKER = 'attendance-bridge: nextWrite guard';
const TARGET = '  function nextWrite(fn) {\n    const x = socket.write(chunk, fn)\n';
const GUARDED =
  '  function nextWrite(fn) {\n' +
  `    // ${MARKER} (the socket can be gone by the time a deferred write runs)\n` +
  '    if (!socket) {\n' +
  '      nextWriteTimer !== null && clearImmediate(nextWriteTimer)\n' +
  '      chunk = nextWriteTimer = null\n' +
  "      error(Errors.connection('CONNECTION_CLOSED', options))\n" +
  '      return false\n' +
  '    }\n' +
  '    const x = socket.write(chunk, fn)\n';
// The module's three builds: ESM (what we import), CommonJS and Cloudflare workers.
const BUILDS = ['src/connection.js', 'cjs/src/connection.js', 'cf/src/connection.js'];

function packageDir() {
  const require = createRequire(import.meta.url);
  // `postgres` resolves to cjs/src/index.js; its package.json is not exported.
  return path.resolve(path.dirname(require.resolve('postgres')), '..', '..');
}

function main() {
  const check = process.argv.includes('--check');
  const dir = packageDir();
  const { version } = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const problems = [];
  let patched = 0;
  for (const build of BUILDS) {
    const file = path.join(dir, build);
    const source = readFileSync(file, 'utf8');
    if (source.includes(MARKER)) continue;
    if (!source.includes(TARGET)) {
      problems.push(`${build}: nextWrite() no longer starts with the unguarded socket.write`);
      continue;
    }
    if (check) {
      problems.push(`${build}: not patched (run npm run patch:postgres)`);
      continue;
    }
    writeFileSync(file, source.replace(TARGET, GUARDED));
    patched++;
  }
  if (problems.length > 0) {
    console.error(
      `postgres ${version} in ${dir}: the nextWrite guard cannot be applied:\n  ${problems.join('\n  ')}\n` +
        'If this release fixed porsager/postgres issue 1208, remove scripts/patchPostgres.js and its ' +
        'postinstall line; otherwise update the patch (see docs/RELIABILITY.md).',
    );
    process.exit(1);
  }
  if (patched > 0) console.log(`postgres ${version}: nextWrite guard applied to ${patched} build(s).`);
}

main();
