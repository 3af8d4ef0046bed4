import type { Client } from '@temporalio/client';
import type { TokenVerifier } from '../lib/auth/tokens.js';
import type { Config } from '../lib/config.js';
import type { Sql } from '../lib/db/connection.js';
import type { Logger } from '../lib/logger.js';

export interface AppDeps {
  sql: Sql;
  temporal: Client;
  config: Config;
  logger: Logger;
  version: string;
  verifyToken: TokenVerifier;
}
