import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../lib/logger.js';
import { PROMETHEUS_CONTENT_TYPE, renderMetricsPage } from '../lib/metrics/index.js';
import { readWorkerMetrics } from './runtime.js';

export interface WorkerMetricsServer {
  url: string;
  close(): Promise<void>;
}

/**
 * `/metrics` of a worker process of its own (`bridge worker`): the Temporal worker's metrics and
 * this process's. The bridge's figures from the database are the API's, scraped there once.
 */
export async function serveWorkerMetrics(options: {
  host: string;
  port: number;
  logger: Logger;
}): Promise<WorkerMetricsServer> {
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response
        .writeHead(404, { 'Content-Type': 'text/plain' })
        .end('Not found: the metrics are at /metrics\n');
      return;
    }
    readWorkerMetrics(options.logger)
      .then((workerMetrics) => renderMetricsPage({ workerMetrics }))
      .then(
        (page) => response.writeHead(200, { 'Content-Type': PROMETHEUS_CONTENT_TYPE }).end(page),
        (error: Error) => {
          options.logger.warn({ msg: 'the worker metrics page failed', error: error.message });
          response.writeHead(503, { 'Content-Type': 'text/plain' }).end('metrics unavailable\n');
        },
      );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = options.host === '0.0.0.0' ? '127.0.0.1' : options.host;
  return {
    url: `http://${shownHost}:${port}/metrics`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
