import type { Config } from '../lib/config.js';
import type { CrmClient } from '../lib/crm/client.js';
import type { Sql } from '../lib/db/connection.js';
import type { Logger } from '../lib/logger.js';
import type { ZkClient, ZkClientOptions } from '../lib/zk/client/index.js';

export interface ActivityDeps {
  sql: Sql;
  config: Config;
  logger: Logger;
  /** Opens a device session; tests may substitute another transport, production uses ZkClient.connect. */
  connectDevice: (options: ZkClientOptions) => Promise<ZkClient>;
  /** The CRM client, or null when CRM_API_URL / CRM_API_TOKEN are not set (sync then does nothing). */
  crm: CrmClient | null;
  /** The current time; injectable so clock-offset measurement can be tested. */
  now: () => Date;
}
