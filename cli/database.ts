import type { Config } from '../lib/config.js';
import type { Sql } from '../lib/db/connection.js';
import type { Logger } from '../lib/logger.js';
import { Closers, openDatabase } from '../runtime/services.js';
import { loadSettings } from './settings.js';

/**
 * Runs a CLI command against the database: DATABASE_URL, or the embedded PostgreSQL of the data
 * directory (which must not be in use by a running `npm start` at the same time).
 */
export async function withDatabase<T>(
  action: (context: { sql: Sql; config: Config; logger: Logger }) => Promise<T>,
): Promise<T> {
  const { config, logger } = loadSettings();
  const closers = new Closers();
  try {
    const { sql } = await openDatabase(config, closers, logger, {
      allowEmbedded: true,
      reuseRunningEmbedded: true,
    });
    return await action({ sql, config, logger });
  } finally {
    await closers.closeAll(logger);
  }
}
