import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppDeps } from '../deps.js';
import { processedAttendanceHandlers } from './handlers.js';
import {
  attemptsRoute,
  getDayRoute,
  listDaysRoute,
  outliersRoute,
  processRoute,
  redeliverRoute,
  statsRoute,
  syncRoute,
  unsyncedRoute,
} from './routes.js';

/** `/api/processed-attendance/...`: daily records, their delivery, and the process and sync triggers. */
export function processedAttendanceRoutes(deps: AppDeps) {
  const handlers = processedAttendanceHandlers(deps);
  // The fixed paths (unsynced, outliers, stats, process, sync) before {id}.
  return new OpenAPIHono()
    .openapi(listDaysRoute, handlers.list)
    .openapi(unsyncedRoute, handlers.unsynced)
    .openapi(outliersRoute, handlers.outliers)
    .openapi(statsRoute, handlers.stats)
    .openapi(processRoute, handlers.process)
    .openapi(syncRoute, handlers.sync)
    .openapi(getDayRoute, handlers.get)
    .openapi(attemptsRoute, handlers.attempts)
    .openapi(redeliverRoute, handlers.redeliver);
}
