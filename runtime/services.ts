import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client, Connection } from '@temporalio/client';
import type { Config } from '../lib/config.js';
import { connect, describeDatabaseUrl, type Sql } from '../lib/db/connection.js';
import { migrate } from '../lib/db/migrate.js';
import { ServiceUnavailableError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { lockDataDir } from './dataDirLock.js';
import { embeddedPostgresUrl, startEmbeddedPostgres } from './embeddedPostgres.js';
import { isPortFree } from './ports.js';
import { requireSearchAttributes } from './searchAttributes.js';
import { findOrInstallTemporalCli } from './temporalCli.js';
import { connectClient } from './temporalConnection.js';
import { startTemporalDevServer } from './temporalDevServer.js';

export const projectDir = fileURLToPath(new URL('..', import.meta.url));

/** Things to stop on shutdown, stopped in reverse order of starting. */
export class Closers {
  private readonly closers: { name: string; close: () => Promise<void> | void }[] = [];

  add(name: string, close: () => Promise<void> | void): void {
    this.closers.push({ name, close });
  }

  async closeAll(logger?: Logger): Promise<void> {
    while (this.closers.length > 0) {
      const { name, close } = this.closers.pop()!;
      try {
        await close();
      } catch (error) {
        logger?.warn({ msg: `stopping ${name} failed`, error: (error as Error).message });
      }
    }
  }
}

export interface Database {
  sql: Sql;
  url: string;
  embedded: boolean;
  /** Which PostgreSQL, for the start-up output: the URL without its password, or where the embedded one keeps its data. */
  where: string;
  /** Why the embedded one's files are where they are, when that needs saying. */
  notes: string[];
}

/** DATABASE_URL, or the embedded PostgreSQL under the data directory; migrated either way. */
export async function openDatabase(
  config: Config,
  closers: Closers,
  logger: Logger,
  options: { allowEmbedded: boolean; reuseRunningEmbedded?: boolean },
): Promise<Database> {
  let url = config.DATABASE_URL;
  const embedded = !url;
  let where: string | null = null;
  let notes: string[] = [];
  if (!url && options.reuseRunningEmbedded && !(await isPortFree(config.EMBEDDED_POSTGRES_PORT))) {
    // A running `npm start` owns the embedded server; CLI commands share it instead of starting another.
    url = embeddedPostgresUrl(config.EMBEDDED_POSTGRES_PORT);
  }
  if (!url) {
    if (!options.allowEmbedded) {
      throw new ServiceUnavailableError(
        'DATABASE_URL is not set: the API and worker processes need a shared PostgreSQL.',
      );
    }
    logger.info({ msg: 'starting the embedded PostgreSQL', dir: path.join(config.dataDir, 'pg') });
    const local = await startEmbeddedPostgres({
      dataDir: config.dataDir,
      port: config.EMBEDDED_POSTGRES_PORT,
      sharedDir: config.EMBEDDED_POSTGRES_SHARED_DIR,
      log: (line) => logger.debug({ msg: line, component: 'postgres' }),
    });
    closers.add('the embedded PostgreSQL', local.stop);
    url = local.url;
    where = `embedded on 127.0.0.1:${config.EMBEDDED_POSTGRES_PORT}, data in ${local.dataDir}`;
    notes = local.notes;
    logger.info({
      msg: 'the embedded PostgreSQL is running',
      dir: local.dataDir,
      binaries: local.binariesDir,
      notes,
    });
  }
  const sql = connect(url);
  closers.add('the database pool', () => sql.end({ timeout: 5 }));
  try {
    await sql`select 1`;
  } catch (error) {
    throw new ServiceUnavailableError(
      `Cannot reach PostgreSQL at ${describeDatabaseUrl(url)}: ${(error as Error).message}. ` +
        'Check DATABASE_URL, or unset it to use the embedded PostgreSQL.',
      { cause: error },
    );
  }
  const { applied } = await migrate(sql);
  if (applied.length > 0) logger.info({ msg: 'database migrated', applied });
  return { sql, url, embedded, where: where ?? describeDatabaseUrl(url), notes };
}

export interface Temporal {
  address: string;
  uiUrl: string | null;
  client: Client;
  connection: Connection;
}

/** TEMPORAL_ADDRESS, or a local `temporal server start-dev` with its state under the data directory. */
export async function openTemporal(
  config: Config,
  closers: Closers,
  logger: Logger,
  options: { allowLocal: boolean; headless?: boolean },
): Promise<Temporal> {
  let address = config.TEMPORAL_ADDRESS;
  let uiUrl: string | null = null;
  if (!address) {
    if (!options.allowLocal) {
      throw new ServiceUnavailableError(
        'TEMPORAL_ADDRESS is not set: the API and worker processes need a shared Temporal server.',
      );
    }
    const cli = await findOrInstallTemporalCli({
      configured: config.TEMPORAL_CLI,
      projectDir,
      log: (message) => logger.info({ msg: message }),
    });
    logger.info({ msg: 'starting the local Temporal server', cli });
    const local = await startTemporalDevServer({
      cli,
      dataDir: config.dataDir,
      port: config.TEMPORAL_DEV_PORT,
      uiPort: config.TEMPORAL_UI_PORT,
      namespace: config.TEMPORAL_NAMESPACE,
      headless: options.headless,
      log: (line) => logger.debug({ msg: line, component: 'temporal' }),
    });
    closers.add('the local Temporal server', local.stop);
    address = local.address;
    uiUrl = local.uiUrl || null;
  }
  const { client, connection } = await connectClient(address, config);
  closers.add('the Temporal client', () => connection.close());
  await requireSearchAttributes(client, config.TEMPORAL_NAMESPACE);
  return { address, uiUrl, client, connection };
}

export { lockDataDir };
