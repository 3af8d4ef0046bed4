import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { importAttlog } from '../../lib/devices/import.js';
import { withDatabase } from '../database.js';

const HELP = `Usage: attendance-bridge import FILE --device ID

Loads a ZKTeco USB attendance export (*_attlog.dat: tab-separated user id, YYYY-MM-DD HH:MM:SS,
state, verify type, ...) as punches of device ID. Punches already stored are not stored again.
Malformed lines are reported with their line number; the good lines still load.`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { device: { type: 'string' }, help: { type: 'boolean' } },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const deviceId = Number(values.device);
  if (positionals.length !== 1 || !Number.isInteger(deviceId) || deviceId <= 0) {
    console.error(`${HELP}\n\nGive one FILE and --device ID (a positive whole number).`);
    return 2;
  }
  let text: string;
  try {
    text = await readFile(positionals[0], 'latin1');
  } catch (error) {
    console.error(`Cannot read ${positionals[0]}: ${(error as Error).message}`);
    return 1;
  }
  return withDatabase(async ({ sql }) => {
    const result = await importAttlog(sql, deviceId, text);
    for (const problem of result.problems)
      console.error(`${positionals[0]}:${problem.line}: ${problem.message}`);
    console.log(
      `${result.valid} punches read, ${result.inserted} new, ${result.alreadyStored} already stored` +
        (result.problems.length ? `, ${result.problems.length} malformed line(s) skipped` : ''),
    );
    return result.problems.length > 0 ? 1 : 0;
  });
}
