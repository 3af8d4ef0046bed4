/**
 * `npm run bench [name...]`: runs each bench/<name>.bench.ts in its own process (so peak memory is
 * that benchmark's own) against real services, and prints the figures each one reports.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const wanted = process.argv.slice(2);
const all = readdirSync(dir)
  .filter((file) => file.endsWith('.bench.ts'))
  .map((file) => file.replace(/\.bench\.ts$/, ''))
  .sort();
const selected = wanted.length > 0 ? all.filter((name) => wanted.includes(name)) : all;
if (selected.length === 0) {
  console.error(`No benchmark named ${wanted.join(', ')}. Available: ${all.join(', ')}`);
  process.exit(2);
}

console.log(
  `Machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`,
);
let failed = 0;
for (const name of selected) {
  console.log(`\n== ${name}`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', `${dir}${name}.bench.ts`], {
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    failed++;
    console.error(`benchmark ${name} failed (exit ${result.status})`);
  }
}
process.exit(failed > 0 ? 1 : 0);
