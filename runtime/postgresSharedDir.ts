import { existsSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { ConfigurationError } from '../lib/errors.js';
import { POSTGRES_ACCOUNT } from './postgresAccount.js';

/**
 * The shared directory (EMBEDDED_POSTGRES_SHARED_DIR, /var/lib/attendance-bridge by default) holds
 * what the postgres account must reach when the bridge runs as root from a place that account cannot
 * enter: a copy of the binaries, and the data of such data directories.
 */
export function unreachableMessage(dir: string): string {
  return (
    `As root, the embedded PostgreSQL runs as the OS user "${POSTGRES_ACCOUNT}", which cannot enter ${dir}: ` +
    'set EMBEDDED_POSTGRES_SHARED_DIR to a directory outside any home directory, set DATABASE_URL to a ' +
    'PostgreSQL server, or run the bridge as a normal user.'
  );
}

/** Creates `dir` and its missing parents as root-owned 755 directories, whatever the umask. */
export async function makeOpenDirs(dir: string): Promise<void> {
  const missing: string[] = [];
  for (let at = path.resolve(dir); !existsSync(at); at = path.dirname(at)) missing.unshift(at);
  try {
    for (const created of missing) {
      await mkdir(created).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
      });
      await chmod(created, 0o755);
    }
  } catch (error) {
    throw new ConfigurationError(
      `Cannot create ${dir} for the embedded PostgreSQL (${(error as NodeJS.ErrnoException).code ?? error}): ` +
        'set EMBEDDED_POSTGRES_SHARED_DIR to a directory root can write outside any home directory, or set ' +
        'DATABASE_URL to a PostgreSQL server.',
      { cause: error },
    );
  }
}
