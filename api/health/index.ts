import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppDeps } from '../deps.js';
import { healthHandlers } from './handlers.js';
import { healthRoute } from './routes.js';

/** `/health`: no token, no attendance data; what a load balancer or a supervisor asks. */
export function healthRoutes(deps: AppDeps) {
  return new OpenAPIHono().openapi(healthRoute, healthHandlers(deps).health);
}
