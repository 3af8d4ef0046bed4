import type { Config } from '../config.js';
import { ConfigurationError } from '../errors.js';
import { type CrmClient, createCrmClient } from './client.js';

/** The CRM client the settings describe, or null when no CRM is configured (records stay pending). */
export function crmClientFromConfig(config: Config): CrmClient | null {
  if (!config.CRM_API_URL && !config.CRM_API_TOKEN) return null;
  if (!config.CRM_API_URL) throw new ConfigurationError('CRM_API_TOKEN is set but CRM_API_URL is not.');
  if (!config.CRM_API_TOKEN) throw new ConfigurationError('CRM_API_URL is set but CRM_API_TOKEN is not.');
  return createCrmClient({
    url: config.CRM_API_URL,
    token: config.CRM_API_TOKEN,
    timeoutMs: config.CRM_REQUEST_TIMEOUT * 1000,
    caFile: config.CRM_CA_FILE,
  });
}
