import { syncStart } from '../../workflows/starts.js';
import { dateRange, parseOptions, wholeNumber, withUsage } from '../options.js';
import { withTemporal } from '../temporal.js';
import { runWorkflow } from '../workflowRun.js';

const HELP = `Usage: attendance-bridge sync [--limit N] [--start-date YYYY-MM-DD] [--end-date YYYY-MM-DD]
                   [--user-id ID] [--retry-failed] [--force]

Delivers daily records to the CRM through Temporal and prints total/successful/failed with the
errors. By default only records not sent yet; --retry-failed adds records whose delivery failed;
--force sends every matching record again, delivered and rejected ones included. If a manual sync
is already going, this waits for it instead. Exits 1 if a record failed; with no CRM configured,
says so and exits 0.`;

export async function run(argv: string[]): Promise<number> {
  return withUsage(HELP, async () => {
    const { values } = parseOptions(argv, {
      limit: { type: 'string' },
      'start-date': { type: 'string' },
      'end-date': { type: 'string' },
      'user-id': { type: 'string' },
      'retry-failed': { type: 'boolean' },
      force: { type: 'boolean' },
      help: { type: 'boolean' },
    });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    const limit = wholeNumber(values.limit, '--limit');
    const userId = values['user-id']?.trim();
    const request = {
      ...dateRange(values),
      ...(limit !== undefined ? { limit } : {}),
      ...(userId ? { userId } : {}),
      ...(values['retry-failed'] ? { retryFailed: true } : {}),
      ...(values.force ? { force: true } : {}),
    };

    return withTemporal(async ({ client, config }) => {
      const outcome = await runWorkflow(client, syncStart(config, 'manual', request), {
        label: 'Syncing to the CRM',
      });
      if (!outcome.ok) {
        console.error(`The sync failed: ${outcome.error}`);
        return 1;
      }
      const result = outcome.result;
      if (result.skipped) {
        console.log(`Nothing sent: ${result.skipped}. Records stay pending until a CRM is configured.`);
        return 0;
      }
      console.log(`total: ${result.total}`);
      console.log(`successful: ${result.successful}`);
      console.log(`failed: ${result.failed}`);
      if (result.notSent > 0) {
        console.log(`not sent: ${result.notSent} (revised, already delivered, or taken by another run)`);
      }
      if (result.errors.length > 0) {
        console.log('errors:');
        // Deliveries run side by side, so errors arrive in any order; sorted, a person can scan them.
        const sorted = [...result.errors].sort(
          (a, b) => a.user_id.localeCompare(b.user_id) || a.date.localeCompare(b.date),
        );
        for (const error of sorted) console.log(`  ${error.user_id} ${error.date}: ${error.error}`);
        if (result.failed > result.errors.length) {
          console.log(
            `  ... and ${result.failed - result.errors.length} more (each record keeps its last error)`,
          );
        }
      }
      return result.failed > 0 ? 1 : 0;
    });
  });
}
