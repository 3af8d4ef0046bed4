import { getHeapStatistics } from 'node:v8';
import { startBridge } from '../../runtime/bridge.js';
import { runUntilSignal } from '../lifecycle.js';
import { loadSettings } from '../settings.js';

/** The workers alone (and the schedules they keep); several may share one Temporal and PostgreSQL. */
export async function run(argv: string[]): Promise<number> {
  if (argv.includes('--help')) {
    console.log(
      'Usage: attendance-bridge worker\n\nRuns the Temporal workers and keeps the schedules up to date; needs DATABASE_URL and TEMPORAL_ADDRESS.\nServes its own metrics on WORKER_METRICS_HOST:WORKER_METRICS_PORT (default 127.0.0.1:9464) at /metrics.',
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
    metrics: bridge.workerMetricsUrl ?? 'off (WORKER_METRICS_PORT=0)',
    // What V8 took of NODE_HEAP_LIMIT_MB (old space) plus the young generation.
    heapLimitMiB: Math.round(getHeapStatistics().heap_size_limit / 2 ** 20),
  });
  return runUntilSignal(bridge, logger);
}
