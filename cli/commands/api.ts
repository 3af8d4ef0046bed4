import { startBridge } from '../../runtime/bridge.js';
import { printBanner, runUntilSignal } from '../lifecycle.js';
import { loadSettings } from '../settings.js';

/** The API alone, against the shared DATABASE_URL and TEMPORAL_ADDRESS (production). */
export async function run(argv: string[]): Promise<number> {
  if (argv.includes('--help')) {
    console.log(
      'Usage: attendance-bridge api\n\nRuns the HTTP API; needs DATABASE_URL and TEMPORAL_ADDRESS.',
    );
    return 0;
  }
  const { config, logger } = loadSettings();
  const bridge = await startBridge(config, logger, { api: true, worker: false, local: false });
  printBanner(bridge, { tokenFromSetting: Boolean(config.API_TOKEN) });
  return runUntilSignal(bridge, logger);
}
