import { DefaultLogger, NativeConnection, type NativeConnectionOptions, Runtime } from '@temporalio/worker';
import { describeError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';

let metricsUrl: string | null = null;

/**
 * The SDK's process-wide runtime, installed once: a connection made before it would install the
 * SDK's default one (chatty logs, no metrics) and leave no way to change it. Its Prometheus exporter
 * listens on a loopback port of this process only; `/metrics` pages read it from there. Throws when
 * that port cannot be bound (the SDK says so at once).
 */
export function installWorkerRuntime(options: { metricsPort: number }): void {
  if (metricsUrl) return;
  const bindAddress = `127.0.0.1:${options.metricsPort}`;
  Runtime.install({
    // Keep the SDK's own logs quiet unless something is wrong; our logs say what the bridge does.
    logger: new DefaultLogger('ERROR'),
    telemetryOptions: {
      logging: { filter: { core: 'WARN', other: 'WARN' } },
      // Named as Prometheus expects: counters end in _total, durations in seconds with the unit.
      metrics: {
        prometheus: {
          bindAddress,
          countersTotalSuffix: true,
          unitSuffix: true,
          useSecondsForDurations: true,
        },
      },
    },
  });
  metricsUrl = `http://${bindAddress}/metrics`;
}

/** The connection workers poll on; only after `installWorkerRuntime`, so it gets our runtime. */
export async function connectWorkerRuntime(options: NativeConnectionOptions): Promise<NativeConnection> {
  if (!metricsUrl) throw new Error('installWorkerRuntime must run before the first worker connection');
  return NativeConnection.connect(options);
}

/**
 * The SDK's own metrics (task slots, schedule-to-start latency, activity failures...) in the
 * Prometheus text format; null in a process that runs no workers, or when the exporter does not
 * answer (said in the log: the rest of the page is still served).
 */
export async function readWorkerMetrics(logger?: Logger): Promise<string | null> {
  if (!metricsUrl) return null;
  try {
    const response = await fetch(metricsUrl, { signal: AbortSignal.timeout(5_000) });
    if (!response.ok) throw new Error(`it answered HTTP ${response.status}`);
    return await response.text();
  } catch (error) {
    logger?.warn({
      msg: `the Temporal worker's metrics could not be read at ${metricsUrl}`,
      error: describeError(error),
    });
    return null;
  }
}
