import { toProcessResponse } from '../../lib/processing/counts.js';
import { manualProcessStart } from '../../workflows/starts.js';
import { dateRange, parseOptions, withUsage } from '../options.js';
import { withTemporal } from '../temporal.js';
import { runWorkflow } from '../workflowRun.js';

const HELP = `Usage: attendance-bridge process [--start-date YYYY-MM-DD] [--end-date YYYY-MM-DD] [--user-id ID]

Turns punches into daily attendance records through Temporal and prints the counts
(total_records, processed, outliers, failed). Without options: every punch not processed yet.
With a date range or a user: those days are rebuilt from the stored punches. If a manual run is
already going, this waits for it instead. Exits 1 if the run fails or a punch could not be used.`;

export async function run(argv: string[]): Promise<number> {
  return withUsage(HELP, async () => {
    const { values } = parseOptions(argv, {
      'start-date': { type: 'string' },
      'end-date': { type: 'string' },
      'user-id': { type: 'string' },
      help: { type: 'boolean' },
    });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    const userId = values['user-id']?.trim();
    const request = { ...dateRange(values), ...(userId ? { userId } : {}) };

    return withTemporal(async ({ client, config }) => {
      const outcome = await runWorkflow(client, manualProcessStart(config, request), {
        label: 'Processing attendance',
      });
      if (!outcome.ok) {
        console.error(`Processing failed: ${outcome.error}`);
        return 1;
      }
      const counts = outcome.result;
      const response = toProcessResponse(counts);
      console.log(`total_records: ${response.total_records}`);
      console.log(`processed: ${response.processed}`);
      console.log(`outliers: ${response.outliers}`);
      console.log(`failed: ${response.failed}`);
      console.log(
        `(daily records: ${counts.daysCreated} new, ${counts.daysRevised} revised, ` +
          `${counts.daysUnchanged} unchanged)`,
      );
      if (response.failed > 0) {
        console.error(`${response.failed} punch(es) could not be used; the bridge's log says why for each.`);
        return 1;
      }
      return 0;
    });
  });
}
