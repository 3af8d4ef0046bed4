import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppDeps } from '../deps.js';
import { scheduleHandlers } from './handlers.js';
import {
  getScheduleRoute,
  listSchedulesRoute,
  pauseScheduleRoute,
  triggerScheduleRoute,
  unpauseScheduleRoute,
} from './routes.js';

/** `/api/schedules/...`: the bridge's Temporal schedules, their state, and pause, unpause, trigger. */
export function scheduleRoutes(deps: AppDeps) {
  const handlers = scheduleHandlers(deps);
  return new OpenAPIHono()
    .openapi(listSchedulesRoute, handlers.list)
    .openapi(getScheduleRoute, handlers.get)
    .openapi(triggerScheduleRoute, handlers.trigger)
    .openapi(pauseScheduleRoute, handlers.pause)
    .openapi(unpauseScheduleRoute, handlers.unpause);
}
