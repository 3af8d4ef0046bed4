import type { Client } from '@temporalio/client';
import type { TokenVerifier } from '../lib/auth/tokens.js';
import type { Config } from '../lib/config.js';
import type { Sql } from '../lib/db/connection.js';
import type { Logger } from '../lib/logger.js';
import type { BridgeSchedule } from '../worker/schedules.js';

export interface AppDeps {
  sql: Sql;
  temporal: Client;
  config: Config;
  logger: Logger;
  version: string;
  verifyToken: TokenVerifier;
  /** The schedules the API may show and drive; default: the bridge's own (`bridgeSchedules(config)`). */
  schedules?: BridgeSchedule[];
  /**
   * Put in front of the ids of the workflows the API starts ('' in production). Workflow ids are
   * unique in a whole namespace, so tests sharing one Temporal server set it to stay apart.
   */
  workflowIdPrefix?: string;
  /**
   * The Temporal worker's own metrics (Prometheus text) when the workers run in this process
   * (`npm start`), so one scrape of /metrics shows both; null when they cannot be read just now.
   */
  workerMetrics?: () => Promise<string | null>;
}
