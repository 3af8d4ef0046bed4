/**
 * `/api/devices/...` for push devices: unregistered serials and their adoption, and the command
 * queue. In a folder of its own so that the device CRUD can change beside it.
 */
import { OpenAPIHono, type RouteHandler, z } from '@hono/zod-openapi';
import { findDevice } from '../../lib/db/devices.js';
import { listCommands, type PushCommandRow, pushCommandStatuses } from '../../lib/db/pushCommands.js';
import { listUnregistered } from '../../lib/db/pushDevices.js';
import { deviceSerialNumber, deviceTimezone } from '../../lib/devices/input.js';
import { adoptUnregistered } from '../../lib/push/adopt.js';
import { CommandRequest, describeReturnCode } from '../../lib/push/commands.js';
import { queuePushCommand } from '../../lib/push/queue.js';
import { renderInstant } from '../common/render.js';
import { NOT_FOUND } from '../common/responses.js';
import { protectedRoutes } from '../common/routes.js';
import { IdParams, jsonBody, jsonResponse } from '../common/schemas.js';
import { describeIssues } from '../common/validation.js';
import type { AppDeps } from '../deps.js';
import { DeviceBody } from '../devices/schemas.js';
import { toDeviceBody } from '../devices/serialize.js';

const route = protectedRoutes('devices');

const UnregisteredBody = z
  .object({
    serial_number: z.string(),
    address: z.string(),
    first_seen: z.string(),
    last_seen: z.string(),
    requests: z.number().int(),
    record_count: z.number().int(),
  })
  .openapi('UnregisteredDevice');

const AdoptBody = z
  .object({
    serial_number: deviceSerialNumber,
    name: z.string().trim().min(1).max(100).optional(),
    timezone: deviceTimezone.optional(),
  })
  .strict()
  .openapi('AdoptDevice');

const CommandBody = z
  .object({
    id: z.number().int(),
    command: z.string(),
    status: z.enum(pushCommandStatuses).openapi({
      description:
        '`expired`: sent, and no result within ADMS_COMMAND_TIMEOUT_MINUTES (not sent again; a late result makes it `done`)',
    }),
    created_at: z.string(),
    sent_at: z.string().nullable(),
    completed_at: z.string().nullable(),
    return_code: z.number().int().nullable(),
    outcome: z.string().nullable(),
    result: z.string().nullable(),
  })
  .openapi('PushCommand');

const CommandWrite = z.object({ command: z.string() }).passthrough().openapi('PushCommandWrite', {
  description:
    '`{"command": "INFO" | "CHECK" | "REBOOT" | "RELOAD OPTIONS"}`, `{"command": "DATA QUERY ATTLOG", "start_time": "YYYY-MM-DD HH:MM:SS", "end_time": ...}` or `{"command": "SET OPTION", "options": {"Key": "value"}}`',
});

export const unregisteredRoute = route({
  method: 'get',
  path: '/api/devices/unregistered/',
  summary: 'Push devices seen that are not registered (nothing of theirs was stored)',
  responses: { 200: jsonResponse(z.array(UnregisteredBody), 'Unregistered serials, latest first') },
});

export const adoptRoute = route({
  method: 'post',
  path: '/api/devices/adopt/',
  summary: 'Register an unregistered push device; its next upload is taken',
  request: { body: jsonBody(AdoptBody) },
  notFound: true,
  responses: { 201: jsonResponse(DeviceBody, 'The new push device') },
});

export const listCommandsRoute = route({
  method: 'get',
  path: '/api/devices/{id}/commands/',
  summary: "A push device's commands and their results, newest first",
  request: { params: IdParams },
  notFound: true,
  responses: { 200: jsonResponse(z.array(CommandBody), 'Commands') },
});

export const queueCommandRoute = route({
  method: 'post',
  path: '/api/devices/{id}/commands/',
  summary: 'Queue a command for a push device (delivered on its next getrequest)',
  request: { params: IdParams, body: jsonBody(CommandWrite) },
  notFound: true,
  responses: { 201: jsonResponse(CommandBody, 'The queued command') },
});

function toCommandBody(row: PushCommandRow, zone: string): z.infer<typeof CommandBody> {
  return {
    id: row.id,
    command: row.command,
    status: row.status,
    created_at: renderInstant(row.createdAt, zone),
    sent_at: renderInstant(row.sentAt, zone),
    completed_at: renderInstant(row.completedAt, zone),
    return_code: row.returnCode,
    outcome: row.returnCode === null ? null : describeReturnCode(row.returnCode),
    result: row.result,
  };
}

const RECENT_COMMANDS = 100;

export function pushDeviceRoutes(deps: AppDeps) {
  const zone = deps.config.TIME_ZONE;

  const unregistered: RouteHandler<typeof unregisteredRoute> = async (c) =>
    c.json(
      (await listUnregistered(deps.sql)).map((u) => ({
        serial_number: u.serialNumber,
        address: u.address,
        first_seen: renderInstant(u.firstSeenAt, zone),
        last_seen: renderInstant(u.lastSeenAt, zone),
        requests: u.requests,
        record_count: u.recordCount,
      })),
      200,
    );

  const adopt: RouteHandler<typeof adoptRoute> = async (c) => {
    const body = c.req.valid('json');
    const adopted = await adoptUnregistered(deps.sql, body.serial_number, {
      name: body.name,
      timezone: body.timezone ?? zone,
    });
    if (adopted.ok) return c.json(toDeviceBody(adopted.device, zone), 201);
    if (adopted.reason === 'not-seen') return c.json(NOT_FOUND, 404);
    return c.json({ error: `serial_number: ${adopted.message}` }, 400);
  };

  const commands: RouteHandler<typeof listCommandsRoute> = async (c) => {
    const device = await findDevice(deps.sql, c.req.valid('param').id);
    if (!device) return c.json(NOT_FOUND, 404);
    const rows = await listCommands(deps.sql, device.id, {
      limit: RECENT_COMMANDS,
      timeoutMinutes: deps.config.ADMS_COMMAND_TIMEOUT_MINUTES,
    });
    return c.json(
      rows.map((row) => toCommandBody(row, zone)),
      200,
    );
  };

  const queue: RouteHandler<typeof queueCommandRoute> = async (c) => {
    const parsed = CommandRequest.safeParse(c.req.valid('json'));
    const id = c.req.valid('param').id;
    if (!parsed.success) {
      if (!(await findDevice(deps.sql, id))) return c.json(NOT_FOUND, 404);
      return c.json({ error: describeIssues(parsed.error, 'json') }, 400);
    }
    const queued = await queuePushCommand(deps.sql, id, parsed.data);
    if (queued.ok) return c.json(toCommandBody(queued.command, zone), 201);
    if (queued.reason === 'not-found') return c.json(NOT_FOUND, 404);
    return c.json({ error: queued.message }, 400);
  };

  return new OpenAPIHono()
    .openapi(unregisteredRoute, unregistered)
    .openapi(adoptRoute, adopt)
    .openapi(listCommandsRoute, commands)
    .openapi(queueCommandRoute, queue);
}
