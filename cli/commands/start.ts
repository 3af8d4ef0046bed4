import { startBridge } from '../../runtime/bridge.js';
import { printBanner, runUntilSignal } from '../lifecycle.js';
import { loadSettings } from '../settings.js';

/** `npm start`: PostgreSQL, Temporal, the workers, the schedules and the API in one process. */
export async function run(argv: string[]): Promise<number> {
  if (argv.includes('--help')) {
    console.log(
      'Usage: attendance-bridge start\n\nRuns the whole bridge in one process; embedded PostgreSQL and a local Temporal server unless DATABASE_URL / TEMPORAL_ADDRESS are set.',
    );
    return 0;
  }
  const { config, logger } = loadSettings();
  const bridge = await startBridge(config, logger, { api: true, worker: true, local: true });
  printBanner(bridge, { tokenFromSetting: Boolean(config.API_TOKEN) });
  return runUntilSignal(bridge, logger);
}
