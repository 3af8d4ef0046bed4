import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigurationError } from '../lib/errors.js';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Creates the data directory; a clear message when this user cannot. */
export function makeDataDir(dataDir: string): void {
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (error) {
    throw new ConfigurationError(
      `Cannot create the data directory ${dataDir} (${(error as NodeJS.ErrnoException).code ?? error}): ` +
        'set DATA_DIR to a directory this user can write.',
      { cause: error },
    );
  }
}

/**
 * Claims the data directory for this process, so a second `npm start` on the same directory stops
 * with a message instead of starting a second PostgreSQL and Temporal on the same files. A lock left
 * by a process that died is taken over.
 */
export function lockDataDir(dataDir: string): () => void {
  makeDataDir(dataDir);
  const lockFile = path.join(dataDir, 'bridge.lock');
  for (let tries = 0; tries < 2; tries++) {
    try {
      writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      return () => rmSync(lockFile, { force: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EROFS') {
        throw new ConfigurationError(
          `Cannot write ${lockFile} (${code}): set DATA_DIR to a directory this user can write.`,
          { cause: error },
        );
      }
      if (code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(lockFile, 'utf8').trim());
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) {
        throw new ConfigurationError(
          `The data directory ${dataDir} is in use by another bridge (process ${holder}). ` +
            'Stop it first, or set DATA_DIR to another directory.',
        );
      }
      rmSync(lockFile, { force: true });
    }
  }
  throw new ConfigurationError(`Could not lock the data directory ${dataDir}.`);
}
