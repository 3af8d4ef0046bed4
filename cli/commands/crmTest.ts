import { crmClientFromConfig } from '../../lib/crm/fromConfig.js';
import { displayUrl } from '../../lib/crm/redaction.js';
import { deliveryStats } from '../../lib/db/deliveryReports.js';
import { ConfigurationError } from '../../lib/errors.js';
import { withDatabase } from '../database.js';
import { parseOptions, withUsage } from '../options.js';
import { loadSettings } from '../settings.js';

const HELP = `Usage: attendance-bridge crm-test [--stats]

Checks that the CRM (CRM_API_URL, CRM_API_TOKEN) can be reached: the address answers, its TLS
certificate is trusted, and the answer does not refuse the token or the path. Nothing is created
on the CRM. --stats adds the delivery counts from the database. Exits 1 if the CRM is not usable.`;

export async function run(argv: string[]): Promise<number> {
  return withUsage(HELP, async () => {
    const { values } = parseOptions(argv, { stats: { type: 'boolean' }, help: { type: 'boolean' } });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    const { config } = loadSettings();
    const code = await checkCrm(config);
    if (values.stats) await printStats();
    return code;
  });
}

async function checkCrm(config: ReturnType<typeof loadSettings>['config']): Promise<number> {
  let crm: ReturnType<typeof crmClientFromConfig>;
  try {
    crm = crmClientFromConfig(config);
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    console.error(`CRM settings: ${error.message}`);
    return 1;
  }
  if (!crm || !config.CRM_API_URL) {
    console.error('No CRM configured: set CRM_API_URL and CRM_API_TOKEN. Records stay pending until then.');
    return 1;
  }
  const url = new URL(config.CRM_API_URL);
  const where = displayUrl(url);
  const check = await crm.checkConnection();
  if (!check.ok) {
    console.error(`CRM at ${where}: NOT usable (${check.durationMs} ms): ${check.error}`);
    return 1;
  }
  console.log(`CRM at ${where}: reachable, answered ${check.status} in ${check.durationMs} ms`);
  if (url.protocol === 'https:') {
    const trust = config.CRM_CA_FILE ? 'the public roots and CRM_CA_FILE' : 'the public roots';
    console.log(`TLS: certificate verified against ${trust}`);
  } else {
    console.log(
      'TLS: none (http://): the token and the records travel unencrypted; use https:// for a real CRM',
    );
  }
  return 0;
}

async function printStats(): Promise<void> {
  await withDatabase(async ({ sql }) => {
    const stats = await deliveryStats(sql);
    console.log('Delivery stats:');
    console.log(`  total: ${stats.total}`);
    console.log(`  synced: ${stats.synced}`);
    console.log(`  unsynced: ${stats.unsynced}`);
    console.log(`  failed: ${stats.failed} (${stats.rejected} of them rejected by the CRM)`);
    console.log(`  pending: ${stats.pending}`);
    console.log(`  sync_percentage: ${stats.sync_percentage}`);
  });
}
