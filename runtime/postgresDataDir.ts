import { createHash } from 'node:crypto';
import { existsSync, type Stats } from 'node:fs';
import { chmod, chown, lstat, mkdir, readdir, readlink, realpath, rmdir, symlink } from 'node:fs/promises';
import path from 'node:path';
import { ConfigurationError } from '../lib/errors.js';
import { makeDataDir } from './dataDirLock.js';
import { canEnter, type OsAccount, POSTGRES_ACCOUNT } from './postgresAccount.js';
import { makeOpenDirs, unreachableMessage } from './postgresSharedDir.js';

/** Where the embedded PostgreSQL keeps its files. */
export interface PostgresDataDir {
  dir: string;
  /** Set when that is not `<DATA_DIR>/pg`: the link there that points to `dir`. */
  linkedFrom?: string;
  /** Why it is elsewhere, when it is because the postgres account cannot enter DATA_DIR. */
  reason?: string;
}

/** `/root/bridge/data` -> `root-bridge-data-1f3a9c2e`: readable, and one per data directory. */
export function sharedDataName(realDataDir: string): string {
  const readable = realDataDir
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(-48);
  const hash = createHash('sha256').update(realDataDir).digest('hex').slice(0, 8);
  return `${readable}-${hash}`;
}

async function lstatOrNull(file: string): Promise<Stats | null> {
  return lstat(file).catch(() => null);
}

/**
 * `<DATA_DIR>/pg`, or, as root when the postgres account cannot enter DATA_DIR (a clone in /root),
 * a directory for this data directory under the shared one, linked from `<DATA_DIR>/pg` so every
 * later start (and a person looking) finds it. A link that is already there is followed, whoever
 * made it. As root the directory belongs to the postgres account, mode 700, as initdb wants it.
 */
export async function placePostgresData(
  dataDir: string,
  account: OsAccount | null,
  sharedDir: string,
): Promise<PostgresDataDir> {
  const wanted = path.join(dataDir, 'pg');
  makeDataDir(dataDir);
  if (!account) return { dir: wanted };

  let dir = wanted;
  const existing = await lstatOrNull(wanted);
  const reachable = await canEnter(account, dataDir);
  if (existing?.isSymbolicLink()) {
    dir = path.resolve(dataDir, await readlink(wanted));
  } else if (!reachable) {
    dir = path.join(sharedDir, sharedDataName(await realpath(dataDir)), 'pg');
    if (existing) {
      if (!existing.isDirectory() || (await readdir(wanted)).length > 0) {
        throw new ConfigurationError(
          `${wanted} holds PostgreSQL files, but the OS user "${POSTGRES_ACCOUNT}" that runs the embedded ` +
            `PostgreSQL as root cannot enter ${dataDir}: move them to ${dir} and leave a symbolic link in ` +
            'their place, or set DATA_DIR to a directory outside any home directory.',
        );
      }
      await rmdir(wanted);
    }
    await makeOpenDirs(path.dirname(dir));
    // Checked before linking: a link to a place it cannot reach either would outlive a fixed setting.
    if (!(await canEnter(account, path.dirname(dir))))
      throw new ConfigurationError(unreachableMessage(sharedDir));
    await symlink(dir, wanted);
  }

  if (!existsSync(dir)) {
    await makeOpenDirs(path.dirname(dir));
    await mkdir(dir, { mode: 0o700 });
  }
  if (!existsSync(path.join(dir, 'PG_VERSION'))) {
    await chown(dir, account.uid, account.gid);
    await chmod(dir, 0o700);
  }
  if (!(await canEnter(account, dir, { write: true }))) throw new ConfigurationError(unreachableMessage(dir));
  if (dir === wanted) return { dir };
  return { dir, linkedFrom: wanted, ...(reachable ? {} : { reason: `that user cannot enter ${dataDir}` }) };
}
