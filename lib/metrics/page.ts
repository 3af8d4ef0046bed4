import { Registry } from 'prom-client';
import type { Sql } from '../db/connection.js';
import { bridgeMetrics } from './collect.js';
import { processMetrics } from './process.js';

/**
 * One scrape of this process: the bridge's figures from the database (where the API runs), this
 * process's own, and the Temporal worker's in the SDK's text when workers run here.
 */
export async function renderMetricsPage(parts: {
  sql?: Sql;
  workerMetrics?: string | null;
}): Promise<string> {
  const registries = [processMetrics()];
  if (parts.sql) registries.unshift(await bridgeMetrics(parts.sql));
  const ours = await Registry.merge(registries).metrics();
  const worker = parts.workerMetrics?.trim();
  return worker ? `${ours}\n${worker}\n` : ours;
}
