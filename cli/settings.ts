import dotenv from 'dotenv';
import { type Config, parseConfig } from '../lib/config.js';
import { createLogger, type Logger } from '../lib/logger.js';

/** Settings from the environment, with `.env` filling what the environment leaves unset. */
export function loadSettings(): { config: Config; logger: Logger } {
  dotenv.config({ quiet: true });
  const config = parseConfig(process.env);
  return { config, logger: createLogger(config.LOG_LEVEL) };
}
