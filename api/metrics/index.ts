import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { PROMETHEUS_CONTENT_TYPE, renderMetricsPage } from '../../lib/metrics/index.js';
import type { AppDeps } from '../deps.js';

const route = createRoute({
  method: 'get',
  path: '/metrics',
  tags: ['health'],
  summary:
    'Prometheus metrics: polls, punches, processing lag, deliveries, backlog, devices (no attendance data); ' +
    "this process's CPU, memory, event loop and GC; the Temporal worker's when it runs in this process",
  responses: {
    200: {
      description: 'Prometheus text exposition format',
      content: { 'text/plain': { schema: z.string() } },
    },
  },
});

export function metricsRoutes(deps: AppDeps) {
  return new OpenAPIHono().openapi(route, async (c) => {
    const workerMetrics = (await deps.workerMetrics?.()) ?? null;
    const page = await renderMetricsPage({ sql: deps.sql, workerMetrics });
    return c.text(page, 200, { 'Content-Type': PROMETHEUS_CONTENT_TYPE });
  });
}
