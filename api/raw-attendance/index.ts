import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppDeps } from '../deps.js';
import { rawAttendanceHandlers } from './handlers.js';
import { getRawPunchRoute, listRawPunchesRoute } from './routes.js';

/** `/api/raw-attendance/...`: the punches as read from the devices. */
export function rawAttendanceRoutes(deps: AppDeps) {
  const handlers = rawAttendanceHandlers(deps);
  return new OpenAPIHono()
    .openapi(listRawPunchesRoute, handlers.list)
    .openapi(getRawPunchRoute, handlers.get);
}
