import type { Config } from '../../lib/config.js';
import type { Sql } from '../../lib/db/connection.js';
import { upsertDeviceUsers } from '../../lib/db/deviceUsers.js';
import { describeError } from '../../lib/errors.js';
import { ZkClient } from '../../lib/zk/client/index.js';
import { withDatabase } from '../database.js';
import { connectOptions, type StoredTarget, storedTargets, targetLabel } from '../deviceTargets.js';
import { exactlyOne, parseOptions, wholeNumber, withUsage } from '../options.js';
import { Progress } from '../progress.js';

const HELP = `Usage:
  attendance-bridge device-users --device-id N
  attendance-bridge device-users --all

Reads the enrolled users (user id, name, card, privilege) straight from the device(s) and stores
them, replacing the stored list; reports and the dashboard show these names. --all takes every
enabled device. Exits 1 if a device fails.`;

export async function run(argv: string[]): Promise<number> {
  return withUsage(HELP, async () => {
    const { values } = parseOptions(argv, {
      'device-id': { type: 'string' },
      all: { type: 'boolean' },
      help: { type: 'boolean' },
    });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    exactlyOne({ 'device-id': values['device-id'], all: values.all }, 'device-users');
    const deviceId = wholeNumber(values['device-id'], '--device-id');
    return withDatabase(async ({ sql, config }) => {
      const targets = await storedTargets(sql, { deviceId, all: values.all });
      if (!targets) return 1;
      let failures = 0;
      for (const target of targets) {
        if (!(await syncUsers(sql, target, config))) failures += 1;
      }
      return failures > 0 ? 1 : 0;
    });
  });
}

async function syncUsers(sql: Sql, target: StoredTarget, config: Config): Promise<boolean> {
  const label = targetLabel(target);
  const progress = new Progress(`Reading users from ${label}`);
  let client: ZkClient | null = null;
  try {
    client = await ZkClient.connect(connectOptions(target, config));
    const users = await client.readUsers({
      onProgress: ({ bytesRead, totalBytes }) => progress.update(bytesRead, totalBytes),
    });
    progress.finish();
    await upsertDeviceUsers(sql, target.id, users);
    console.log(`${label}: ${users.length} user${users.length === 1 ? '' : 's'} stored`);
    return true;
  } catch (error) {
    progress.finish();
    console.error(`${label}: FAILED: ${describeError(error)}`);
    return false;
  } finally {
    await client?.close().catch(() => {});
  }
}
