import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppDeps } from '../deps.js';
import { deviceHandlers } from './handlers.js';
import {
  createDeviceRoute,
  deleteDeviceRoute,
  deviceInfoRoute,
  deviceStatusRoute,
  deviceUsersRoute,
  getDeviceRoute,
  listDevicesRoute,
  patchDeviceRoute,
  pollAllRoute,
  pollDeviceRoute,
  replaceDeviceRoute,
} from './routes.js';

/** `/api/devices/...`: CRUD, device users and status, and the live actions (info, poll). */
export function deviceRoutes(deps: AppDeps) {
  const handlers = deviceHandlers(deps);
  // poll_all before {id}: a fixed path segment must win over the parameter.
  return new OpenAPIHono()
    .openapi(listDevicesRoute, handlers.list)
    .openapi(createDeviceRoute, handlers.create)
    .openapi(pollAllRoute, handlers.pollAll)
    .openapi(getDeviceRoute, handlers.get)
    .openapi(replaceDeviceRoute, handlers.replace)
    .openapi(patchDeviceRoute, handlers.patch)
    .openapi(deleteDeviceRoute, handlers.remove)
    .openapi(deviceUsersRoute, handlers.users)
    .openapi(deviceStatusRoute, handlers.status)
    .openapi(deviceInfoRoute, handlers.info)
    .openapi(pollDeviceRoute, handlers.poll);
}
