import type { RouteHandler } from '@hono/zod-openapi';
import {
  createDevice,
  type DeviceChanges,
  type DeviceWriteResult,
  deleteDevice,
  deviceOrderFields,
  listDevicesPage,
  updateDevice,
} from '../../lib/db/deviceSettings.js';
import { findDevice, listDevices, type NewDevice } from '../../lib/db/devices.js';
import { deviceUserOrderFields, listDeviceUsersPage } from '../../lib/db/deviceUsers.js';
import { listPollRuns } from '../../lib/db/pollRuns.js';
import { newDeviceSchema } from '../../lib/devices/input.js';
import { pollAllStart, pollDeviceStart } from '../../workflows/starts.js';
import { sendPage } from '../common/paging.js';
import { answerTrigger, NOT_FOUND } from '../common/responses.js';
import { describeIssues } from '../common/validation.js';
import { startOrAttach, waitMs } from '../common/workflows.js';
import type { AppDeps } from '../deps.js';
import { readDeviceInfoLive } from './live.js';
import type * as routes from './routes.js';
import type { DevicePatchBody } from './schemas.js';
import {
  toDeviceBody,
  toDeviceInfoBody,
  toDeviceStatusBody,
  toDeviceUserBody,
  toPollAllResultBody,
  toPollResultBody,
  toPollRunBody,
} from './serialize.js';

const RECENT_POLL_RUNS = 20;
const UNREACHABLE = 'Failed to connect to device' as const;
const PUSH_NOT_LIVE =
  'A push device cannot be connected to: it sends its punches itself. Queue a command for it (POST /api/devices/{id}/commands/) instead.';

/** API names to ours; only what was sent, so a PATCH (or a PUT without comm_key) keeps the rest. */
function toChanges(body: DevicePatchBody): DeviceChanges {
  const changes: DeviceChanges = {};
  if (body.name !== undefined) changes.name = body.name;
  if (body.ip_address !== undefined) changes.host = body.ip_address;
  if (body.port !== undefined) changes.port = body.port;
  if (body.comm_key !== undefined) changes.commKey = body.comm_key;
  if (body.timezone !== undefined) changes.timezone = body.timezone;
  if (body.enabled !== undefined) changes.enabled = body.enabled;
  if (body.task_queue !== undefined) changes.taskQueue = body.task_queue;
  if (body.clear_log_after_download !== undefined) {
    changes.clearLogAfterDownload = body.clear_log_after_download;
  }
  if (body.transport !== undefined) changes.transport = body.transport;
  if (body.serial_number !== undefined) changes.serialNumber = body.serial_number;
  if (body.push_key !== undefined) changes.pushKey = body.push_key;
  if (body.allowed_networks !== undefined) changes.pushAllowedNetworks = body.allowed_networks;
  return changes;
}

function duplicateMessage(changes: DeviceChanges, existingId: number | null): string {
  if (changes.transport === 'push' || (changes.serialNumber && changes.host === undefined)) {
    const which = existingId === null ? 'another push device' : `device ${existingId}`;
    return `serial_number: ${which} already has serial number ${changes.serialNumber}`;
  }
  const where = changes.host !== undefined ? `${changes.host}:${changes.port ?? 'its port'}` : 'that address';
  const which = existingId === null ? 'another device' : `device ${existingId}`;
  return `ip_address: ${which} already uses ${where}; one device per address and port`;
}

export function deviceHandlers(deps: AppDeps) {
  const zone = deps.config.TIME_ZONE;
  const newDevice = newDeviceSchema({ port: deps.config.ZKTECO_DEFAULT_PORT, timezone: zone });

  const written = (
    result: DeviceWriteResult,
    changes: DeviceChanges,
  ):
    | { status: 200; body: ReturnType<typeof toDeviceBody> }
    | { status: 400; body: { error: string } }
    | null => {
    if (result.ok) return { status: 200, body: toDeviceBody(result.device, zone) };
    if (result.reason === 'not-found') return null;
    if (result.reason === 'incomplete') return { status: 400, body: { error: result.message } };
    return { status: 400, body: { error: duplicateMessage(changes, result.existingId) } };
  };

  const list: RouteHandler<typeof routes.listDevicesRoute> = async (c) =>
    sendPage(c, c.req.valid('query'), {
      ordering: { fields: deviceOrderFields, fallback: [{ field: 'id', descending: false }] },
      read: (page) => listDevicesPage(deps.sql, page),
      toBody: (row) => toDeviceBody(row, zone),
    });

  const create: RouteHandler<typeof routes.createDeviceRoute> = async (c) => {
    const changes = toChanges(c.req.valid('json'));
    // The shared rules for a new device (defaults from the settings) apply to the API as to the CLI.
    const parsed = newDevice.safeParse(changes);
    if (!parsed.success) return c.json({ error: describeIssues(parsed.error, 'json') }, 400);
    const device: NewDevice = parsed.data;
    const result = await createDevice(deps.sql, device);
    if (result.ok) return c.json(toDeviceBody(result.device, zone), 201);
    if (result.reason === 'incomplete') return c.json({ error: result.message }, 400);
    const existingId = result.reason === 'duplicate' ? result.existingId : null;
    return c.json({ error: duplicateMessage(device, existingId) }, 400);
  };

  const get: RouteHandler<typeof routes.getDeviceRoute> = async (c) => {
    const device = await findDevice(deps.sql, c.req.valid('param').id);
    return device ? c.json(toDeviceBody(device, zone), 200) : c.json(NOT_FOUND, 404);
  };

  const replace: RouteHandler<typeof routes.replaceDeviceRoute> = async (c) => {
    const changes = toChanges(c.req.valid('json'));
    // A PUT names the whole device: a pull device's address included.
    const current = await findDevice(deps.sql, c.req.valid('param').id);
    if (!current) return c.json(NOT_FOUND, 404);
    if ((changes.transport ?? current.transport) === 'pull' && changes.host === undefined) {
      return c.json({ error: 'ip_address: Required for a pull device' }, 400);
    }
    const outcome = written(await updateDevice(deps.sql, c.req.valid('param').id, changes), changes);
    if (!outcome) return c.json(NOT_FOUND, 404);
    return outcome.status === 200 ? c.json(outcome.body, 200) : c.json(outcome.body, 400);
  };

  const patch: RouteHandler<typeof routes.patchDeviceRoute> = async (c) => {
    const changes = toChanges(c.req.valid('json'));
    const outcome = written(await updateDevice(deps.sql, c.req.valid('param').id, changes), changes);
    if (!outcome) return c.json(NOT_FOUND, 404);
    return outcome.status === 200 ? c.json(outcome.body, 200) : c.json(outcome.body, 400);
  };

  const remove: RouteHandler<typeof routes.deleteDeviceRoute> = async (c) => {
    const id = c.req.valid('param').id;
    const result = await deleteDevice(deps.sql, id);
    if (result.deleted) return c.body(null, 204);
    if (result.reason === 'not-found') return c.json(NOT_FOUND, 404);
    return c.json(
      {
        error:
          `Device ${id} has ${result.punches} punch(es) and ${result.attendanceDays} daily record(s); ` +
          'punches are kept for good and are never deleted with their device. ' +
          'Disable it instead: PATCH {"enabled": false}.',
      },
      409,
    );
  };

  const users: RouteHandler<typeof routes.deviceUsersRoute> = async (c) => {
    const id = c.req.valid('param').id;
    if (!(await findDevice(deps.sql, id))) return c.json(NOT_FOUND, 404);
    return sendPage(c, c.req.valid('query'), {
      ordering: { fields: deviceUserOrderFields, fallback: [{ field: 'user_id', descending: false }] },
      read: (page) => listDeviceUsersPage(deps.sql, id, page),
      toBody: (row) => toDeviceUserBody(row, zone),
    });
  };

  const status: RouteHandler<typeof routes.deviceStatusRoute> = async (c) => {
    const device = await findDevice(deps.sql, c.req.valid('param').id);
    if (!device) return c.json(NOT_FOUND, 404);
    const runs = await listPollRuns(deps.sql, device.id, RECENT_POLL_RUNS);
    return c.json(
      {
        id: device.id,
        name: device.name,
        enabled: device.enabled,
        last_sync: toDeviceBody(device, zone).last_sync,
        status: toDeviceStatusBody(device, zone),
        poll_runs: runs.map((run) => toPollRunBody(run, zone)),
      },
      200,
    );
  };

  // The live actions: the API never opens a device session itself, a device worker does.
  const idPrefix = deps.workflowIdPrefix;

  const info: RouteHandler<typeof routes.deviceInfoRoute> = async (c) => {
    const device = await findDevice(deps.sql, c.req.valid('param').id);
    if (!device) return c.json(NOT_FOUND, 404);
    if (device.transport === 'push') return c.json({ error: PUSH_NOT_LIVE }, 400);
    const answer = await readDeviceInfoLive(deps, device);
    if (answer.ok) return c.json(toDeviceInfoBody(answer.value), 200);
    return c.json({ error: UNREACHABLE, reason: answer.reason }, 503);
  };

  const poll: RouteHandler<typeof routes.pollDeviceRoute> = async (c) => {
    const device = await findDevice(deps.sql, c.req.valid('param').id);
    if (!device) return c.json(NOT_FOUND, 404);
    if (device.transport === 'push') return c.json({ error: PUSH_NOT_LIVE }, 400);
    const outcome = await startOrAttach(deps.temporal, pollDeviceStart(deps.config, device), {
      waitMs: waitMs(c.req.valid('query')),
      idPrefix,
    });
    return answerTrigger(c, outcome, `poll of device ${device.id}`, (result) =>
      toPollResultBody(result, device.name),
    );
  };

  const pollAll: RouteHandler<typeof routes.pollAllRoute> = async (c) => {
    const outcome = await startOrAttach(deps.temporal, pollAllStart(deps.config, 'manual'), {
      waitMs: waitMs(c.req.valid('query')),
      idPrefix,
    });
    return answerTrigger(c, outcome, 'polling all devices', async (result) => {
      const names = new Map((await listDevices(deps.sql)).map((d) => [d.id, d.name]));
      return toPollAllResultBody(result, names);
    });
  };

  return { list, create, get, replace, patch, remove, users, status, info, poll, pollAll };
}
