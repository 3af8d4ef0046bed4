/**
 * The receiver for push (ADMS / iclock) devices, a Hono app of its own: devices reach it on
 * ADMS_PORT, which can face the device networks while the API does not. Answers are the plain text
 * the firmware expects (PROTOCOL.md §14). Node's server adds the `Date` header devices set their
 * clocks from.
 */
import { timingSafeEqual } from 'node:crypto';
import { getConnInfo } from '@hono/node-server/conninfo';
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Config } from '../lib/config.js';
import type { Sql } from '../lib/db/connection.js';
import type { DeviceRow } from '../lib/db/devices.js';
import { completeCommand, takeQueuedCommands } from '../lib/db/pushCommands.js';
import { findPushDevice, readStamps, recordPushContact, recordUnregistered } from '../lib/db/pushDevices.js';
import { describeError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { commandLines, handshakeAnswer, zoneOffsetMinutes } from '../lib/push/answers.js';
import { isAllowedSource, plainAddress, SerialRateLimiter } from '../lib/push/guard.js';
import { storeAttendanceUpload, storeOperationLog } from '../lib/push/ingest.js';
import {
  type LineProblem,
  parseAttlogUpload,
  parseCommandResults,
  parseInfo,
  parseOperlog,
  parseOptionsBody,
} from '../lib/push/lines.js';

export interface PushAppDeps {
  sql: Sql;
  logger: Logger;
  config: Pick<
    Config,
    'ADMS_MAX_BODY_BYTES' | 'ADMS_RATE_LIMIT_PER_MINUTE' | 'ADMS_POLL_INTERVAL_SECONDS' | 'ADMS_TRUST_PROXY'
  >;
  version: string;
  now?: () => Date;
}

const SERIAL = /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/;
const STAMP = /^[\w.-]{0,40}$/;
/** Commands handed out per getrequest; the rest wait for the next one. */
const COMMANDS_PER_POLL = 20;

export function createPushApp(deps: PushAppDeps) {
  const now = deps.now ?? (() => new Date());
  const limiter = new SerialRateLimiter(deps.config.ADMS_RATE_LIMIT_PER_MINUTE, () => now().getTime());
  const app = new Hono();

  const text = (
    c: Context,
    body: string,
    status: 200 | 400 | 401 | 403 | 404 | 413 | 429 | 500 | 503 = 200,
  ) => c.text(body, status, { 'Content-Type': 'text/plain; charset=utf-8' });

  const sourceAddress = (c: Context): string => {
    if (deps.config.ADMS_TRUST_PROXY) {
      // The proxy in front of us appends the address it saw; earlier entries are the client's word.
      const forwarded = c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim();
      if (forwarded) return plainAddress(forwarded);
    }
    try {
      return plainAddress(getConnInfo(c).remote.address ?? 'unknown');
    } catch {
      // Only without a socket (app.request in a unit test).
      return 'unknown';
    }
  };

  app.use(
    '/iclock/*',
    bodyLimit({
      maxSize: deps.config.ADMS_MAX_BODY_BYTES,
      onError: (c) => text(c, `ERROR: body larger than ${deps.config.ADMS_MAX_BODY_BYTES} bytes`, 413),
    }),
  );

  /**
   * Who is asking, and whether they may: a registered, enabled push device, within its rate, from an
   * allowed network, with its push key. Anything else is answered here and ingests nothing.
   */
  async function admit(
    c: Context,
    offered: () => Promise<number>,
  ): Promise<{ device: DeviceRow; address: string } | Response> {
    const serial = c.req.query('SN') ?? '';
    if (!SERIAL.test(serial)) return text(c, 'ERROR: SN missing or not a serial number', 400);
    const wait = limiter.take(serial);
    if (wait !== null) {
      c.header('Retry-After', String(wait));
      return text(c, `ERROR: too many requests from ${serial}; retry in ${wait} s`, 429);
    }
    const address = sourceAddress(c);
    const device = await findPushDevice(deps.sql, serial);
    if (!device) {
      const records = await offered();
      await recordUnregistered(deps.sql, { serialNumber: serial, address, records });
      deps.logger.warn(
        { serialNumber: serial, address, records },
        `unregistered device seen: serial ${serial} from ${address}${records ? `, offering ${records} record(s)` : ''}; adopt it to take its punches`,
      );
      return text(c, `ERROR: device ${serial} is not registered`, 403);
    }
    if (!device.enabled) return text(c, `ERROR: device ${serial} is disabled`, 403);
    if (!isAllowedSource(address, device.pushAllowedNetworks)) {
      deps.logger.warn(
        { deviceId: device.id, serialNumber: serial, address },
        `device ${device.id} (serial ${serial}) refused: ${address} is outside its allowed networks`,
      );
      return text(c, 'ERROR: source address not allowed for this device', 403);
    }
    if (device.pushKey !== null && !sameKey(device.pushKey, c.req.query('pushcommkey') ?? '')) {
      deps.logger.warn(
        { deviceId: device.id, serialNumber: serial, address },
        `device ${device.id} (serial ${serial}) refused: missing or wrong push key`,
      );
      return text(c, 'ERROR: push key refused', 401);
    }
    return { device, address };
  }

  const reportMalformed = (device: DeviceRow, table: string, problems: LineProblem[]) => {
    if (problems.length === 0) return;
    deps.logger.warn(
      {
        deviceId: device.id,
        serialNumber: device.serialNumber,
        table,
        malformed: problems.length,
        first: problems.slice(0, 5),
      },
      `device ${device.id} (serial ${device.serialNumber}) sent ${problems.length} unreadable ${table} line(s); the others were stored`,
    );
  };

  const handshake = async (c: Context) => {
    const admitted = await admit(c, async () => 0);
    if (admitted instanceof Response) return admitted;
    const { device, address } = admitted;
    await recordPushContact(deps.sql, device.id, { address });
    return text(
      c,
      handshakeAnswer({
        serialNumber: device.serialNumber ?? '',
        stamps: await readStamps(deps.sql, device.id),
        offsetMinutes: zoneOffsetMinutes(device.timezone, now()),
        pollIntervalSeconds: deps.config.ADMS_POLL_INTERVAL_SECONDS,
        serverVersion: deps.version,
      }),
    );
  };

  const upload = async (c: Context) => {
    const table = c.req.query('table') ?? '';
    let body: string | null = null;
    const readBody = async () => (body ??= await c.req.text());
    const admitted = await admit(c, async () =>
      table === 'ATTLOG' ? (await readBody()).split('\n').filter((line) => line.trim() !== '').length : 0,
    );
    if (admitted instanceof Response) return admitted;
    const { device, address } = admitted;
    const stampText = c.req.query('Stamp') ?? c.req.query('OpStamp') ?? null;
    const stamp = stampText !== null && STAMP.test(stampText) ? stampText : null;
    const content = await readBody();

    if (table === 'ATTLOG') {
      const { records, problems } = parseAttlogUpload(content);
      const outcome = await storeAttendanceUpload(deps.sql, device, {
        records,
        malformed: problems.length,
        stamp,
        address,
      });
      reportMalformed(device, table, problems);
      deps.logger.debug({ deviceId: device.id, ...outcome }, 'push upload stored');
      return text(c, `OK:${outcome.lines}`);
    }
    if (table === 'OPERLOG') {
      const { users, otherRecords, problems } = parseOperlog(content);
      await storeOperationLog(deps.sql, device.id, {
        users,
        malformed: problems.length,
        table,
        stamp,
        address,
      });
      reportMalformed(device, table, problems);
      return text(c, `OK:${users.length + otherRecords + problems.length}`);
    }
    if (table === 'options') {
      const options = parseOptionsBody(content);
      const count = (key: string) => {
        const value = options.get(key);
        return value && /^\d{1,9}$/.test(value) ? Number(value) : null;
      };
      await recordPushContact(deps.sql, device.id, {
        address,
        firmwareVersion: options.get('FWVersion') ?? options.get('FirmVer') ?? null,
        userCount: count('UserCount'),
        recordCount: count('TransactionCount'),
      });
      return text(c, 'OK');
    }
    // Photos, templates and tables newer firmware adds: taken so the device does not resend them.
    await recordPushContact(deps.sql, device.id, { address });
    return text(c, `OK:${content.split('\n').filter((line) => line.trim() !== '').length}`);
  };

  const commandPoll = async (c: Context) => {
    const admitted = await admit(c, async () => 0);
    if (admitted instanceof Response) return admitted;
    const { device, address } = admitted;
    const info = c.req.query('INFO');
    const report = info ? parseInfo(info) : null;
    await recordPushContact(deps.sql, device.id, {
      address,
      firmwareVersion: report?.firmwareVersion,
      userCount: report?.userCount,
      recordCount: report?.recordCount,
    });
    return text(c, commandLines(await takeQueuedCommands(deps.sql, device.id, COMMANDS_PER_POLL)));
  };

  const heartbeat = async (c: Context) => {
    const admitted = await admit(c, async () => 0);
    if (admitted instanceof Response) return admitted;
    await recordPushContact(deps.sql, admitted.device.id, { address: admitted.address });
    return text(c, 'OK');
  };

  const commandResults = async (c: Context) => {
    const admitted = await admit(c, async () => 0);
    if (admitted instanceof Response) return admitted;
    const { device, address } = admitted;
    const { results, problems } = parseCommandResults(await c.req.text());
    let unknown = 0;
    for (const result of results) {
      const known =
        /^\d{1,15}$/.test(result.id) &&
        (await completeCommand(deps.sql, device.id, { ...result, id: Number(result.id) }));
      if (!known) unknown++;
    }
    await recordPushContact(deps.sql, device.id, { address, malformedLines: problems.length });
    reportMalformed(device, 'devicecmd', problems);
    if (unknown > 0) {
      deps.logger.warn(
        { deviceId: device.id, unknown },
        `device ${device.id} reported ${unknown} result(s) for commands it was not given`,
      );
    }
    return text(c, 'OK');
  };

  app.get('/iclock/cdata', handshake);
  app.post('/iclock/cdata', upload);
  app.get('/iclock/getrequest', commandPoll);
  app.get('/iclock/ping', heartbeat);
  app.post('/iclock/devicecmd', commandResults);
  app.notFound((c) => text(c, 'ERROR: not an iclock path', 404));
  app.onError((error, c) => {
    // The device retries what was not acknowledged; the operator needs the reason, not a stack.
    deps.logger.error(
      { path: c.req.path, serialNumber: c.req.query('SN') },
      `push request failed: ${describeError(error)}`,
    );
    return text(c, 'ERROR: the server could not store this; retry later', 503);
  });
  return app;
}

function sameKey(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export type PushApp = ReturnType<typeof createPushApp>;
