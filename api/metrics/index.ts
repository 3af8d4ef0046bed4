import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { collectMetrics, PROMETHEUS_CONTENT_TYPE } from '../../lib/metrics/index.js';
import type { AppDeps } from '../deps.js';

const route = createRoute({
  method: 'get',
  path: '/metrics',
  tags: ['health'],
  summary:
    'Prometheus metrics: polls, punches, processing lag, deliveries, backlog, devices (no attendance data)',
  responses: {
    200: {
      description: 'Prometheus text exposition format',
      content: { 'text/plain': { schema: z.string() } },
    },
  },
});

export function metricsRoutes(deps: AppDeps) {
  return new OpenAPIHono().openapi(route, async (c) =>
    c.text(await collectMetrics(deps.sql), 200, { 'Content-Type': PROMETHEUS_CONTENT_TYPE }),
  );
}
