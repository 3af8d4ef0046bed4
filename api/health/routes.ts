import { createRoute } from '@hono/zod-openapi';
import { HealthBody } from './schemas.js';

export const healthRoute = createRoute({
  method: 'get',
  path: '/health',
  tags: ['health'],
  summary: 'Liveness and readiness: PostgreSQL and Temporal reachable',
  responses: {
    200: {
      description: 'Everything the bridge needs answers',
      content: { 'application/json': { schema: HealthBody } },
    },
    503: {
      description: 'A dependency does not answer',
      content: { 'application/json': { schema: HealthBody } },
    },
  },
});
