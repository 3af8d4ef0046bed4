import type { Client } from '@temporalio/client';
import type { Config } from '../lib/config.js';
import { ServiceUnavailableError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { connectClient } from '../runtime/temporalConnection.js';
import { failureMessage } from '../workflows/failures.js';
import { loadSettings } from './settings.js';

export interface TemporalContext {
  client: Client;
  config: Config;
  logger: Logger;
  address: string;
}

/** TEMPORAL_ADDRESS, or the local dev server that `npm start` runs on TEMPORAL_DEV_PORT. */
export function temporalAddress(config: Config): string {
  return config.TEMPORAL_ADDRESS ?? `127.0.0.1:${config.TEMPORAL_DEV_PORT}`;
}

/**
 * Runs a CLI command against the bridge's Temporal server. The CLI never starts a server of its own:
 * when none answers, it says where it looked and exits 1.
 */
export async function withTemporal(
  action: (context: TemporalContext) => Promise<number>,
  settings: { config: Config; logger: Logger } = loadSettings(),
): Promise<number> {
  const { config, logger } = settings;
  const address = temporalAddress(config);
  let connected: Awaited<ReturnType<typeof connectClient>>;
  try {
    connected = await connectClient(address, config);
  } catch (error) {
    if (!(error instanceof ServiceUnavailableError)) throw error;
    const source = config.TEMPORAL_ADDRESS ? 'TEMPORAL_ADDRESS' : 'the local server on TEMPORAL_DEV_PORT';
    console.error(
      `Temporal is not reachable at ${address}: is the bridge running (npm start)?\n` +
        `  (${source}; ${failureMessage(error)})`,
    );
    return 1;
  }
  try {
    return await action({ client: connected.client, config, logger, address });
  } finally {
    await connected.connection.close();
  }
}
