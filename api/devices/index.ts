import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppDeps } from '../deps.js';
import { deviceHandlers } from './handlers.js';
import { liveDeviceHandlers } from './live.js';
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
  const stored = deviceHandlers(deps);
  const live = liveDeviceHandlers(deps);
  // poll_all before {id}: a fixed path segment must win over the parameter.
  return new OpenAPIHono()
    .openapi(listDevicesRoute, stored.list)
    .openapi(createDeviceRoute, stored.create)
    .openapi(pollAllRoute, live.pollAll)
    .openapi(getDeviceRoute, stored.get)
    .openapi(replaceDeviceRoute, stored.replace)
    .openapi(patchDeviceRoute, stored.patch)
    .openapi(deleteDeviceRoute, stored.remove)
    .openapi(deviceUsersRoute, stored.users)
    .openapi(deviceStatusRoute, stored.status)
    .openapi(deviceInfoRoute, live.info)
    .openapi(pollDeviceRoute, live.poll);
}
