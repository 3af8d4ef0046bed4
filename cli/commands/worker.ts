import { startBridge } from '../../runtime/bridge.js';
import { runUntilSignal } from '../lifecycle.js';
import { loadSettings } from '../settings.js';

/** The workers alone (and the schedules they keep); several may share one Temporal and PostgreSQL. */
export async function run(argv: string[]): Promise<number> {
  if (argv.includes('--help')) {
    console.log(
      'Usage: attendance-bridge worker\n\nRuns the Temporal workers and keeps the schedules up to date; needs DATABASE_URL and TEMPORAL_ADDRESS.',
    );
    return 0;
  }
  const { config, logger } = loadSettings();
  const bridge = await startBridge(config, logger, { api: false, worker: true, local: false });
  logger.info({
    msg: 'workers running',
    temporal: bridge.temporalAddress,
    queues: [config.TEMPORAL_TASK_QUEUE, config.DEVICE_TASK_QUEUE, config.CRM_TASK_QUEUE],
    workflows: bridge.workflowSource,
  });
  return runUntilSignal(bridge, logger);
}
