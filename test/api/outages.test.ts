import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import { type App, createApp } from '../../api/app.js';
import { createToken, createTokenVerifier } from '../../lib/auth/tokens.js';
import { type Config, parseConfig } from '../../lib/config.js';
import { connect, type Sql } from '../../lib/db/connection.js';
import { migrate } from '../../lib/db/migrate.js';
import { createLogger } from '../../lib/logger.js';
import { type LocalPostgres, startEmbeddedPostgres } from '../../runtime/embeddedPostgres.js';
import { freePort } from '../../runtime/ports.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { connectTestClient, testConfig } from '../support/temporal.js';

// PostgreSQL or Temporal gone from under a running API: every call that needs it answers 503 with the
// reason in the original's {"error": "..."} shape (never 500, a stack trace or a password), /health
// says 503 as it always did, and once PostgreSQL is back the same API answers again, unrestarted.

type Body = Record<string, unknown>;

const TOKEN = 'outage-test-token';

function appOn(sql: Sql, temporal: Client, config: Config): App {
  return createApp({
    sql,
    temporal,
    config,
    logger: createLogger('silent'),
    version: 'test',
    verifyToken: createTokenVerifier(sql, TOKEN),
  });
}

async function call(app: App, method: string, url: string, token = TOKEN) {
  const response = await app.request(`http://bridge.test${url}`, {
    method,
    headers: { authorization: `Token ${token}` },
  });
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) as Body };
}

/** A device through the API, while everything is up. */
async function addDevice(app: App): Promise<number> {
  const created = await app.request('http://bridge.test/api/devices/', {
    method: 'POST',
    headers: { authorization: `Token ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Gate', ip_address: '10.0.0.7' }),
  });
  expect(created.status).toBe(201);
  return ((await created.json()) as Body).id as number;
}

/** 503 `{"error": "<reason>"}` and nothing else: no stack, no internals, no secret. */
function expectOutage(
  answer: { status: number; text: string; body: Body },
  reason: RegExp,
  what: string,
  secrets: string[] = [],
) {
  expect({ what, status: answer.status, keys: Object.keys(answer.body) }).toEqual({
    what,
    status: 503,
    keys: ['error'],
  });
  expect(answer.body.error).toMatch(reason);
  expect(answer.text).not.toMatch(/\n\s+at |node_modules|Internal server error/);
  for (const secret of [TOKEN, ...secrets].filter(Boolean)) expect(answer.text).not.toContain(secret);
}

describe('PostgreSQL stopped under a running API', () => {
  let dataDir: string;
  let port: number;
  let pg: LocalPostgres | null = null;
  let url: string;
  let sharedDir: string;
  let sql: Sql;
  let temporal: Awaited<ReturnType<typeof connectTestClient>>;
  let app: App;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'bridge-outage-'));
    // As root, PostgreSQL runs as its own user and must be able to enter this directory.
    chmodSync(dataDir, 0o755);
    port = await freePort();
    sharedDir = parseConfig(process.env).EMBEDDED_POSTGRES_SHARED_DIR;
    pg = await startEmbeddedPostgres({ dataDir, port, database: 'bridge_outage', sharedDir });
    url = pg.url;
    sql = connect(url, { max: 3 });
    await migrate(sql);
    temporal = await connectTestClient();
    app = appOn(sql, temporal.client, testConfig());
  }, 120_000);
  afterAll(async () => {
    await sql?.end({ timeout: 5 });
    await pg?.stop();
    await temporal?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('reads, writes and triggers answer 503 with the reason; /health says 503; all answer again when it is back', async () => {
    const id = await addDevice(app);
    const stored = await createToken(sql, 'script');
    expect((await call(app, 'GET', '/api/devices/')).status).toBe(200);

    await pg?.stop();
    pg = null;

    const calls: [string, string][] = [
      ['GET', '/api/devices/'],
      ['GET', `/api/devices/${id}/`],
      ['GET', `/api/devices/${id}/status/`],
      ['PATCH', `/api/devices/${id}/`],
      ['GET', '/api/raw-attendance/'],
      ['GET', '/api/processed-attendance/'],
      ['GET', '/api/processed-attendance/stats/'],
      ['GET', '/api/processed-attendance/unsynced/'],
      ['POST', `/api/devices/${id}/poll/?wait=0`],
      ['GET', `/api/devices/${id}/info/`],
      ['POST', '/api/processed-attendance/1/redeliver/?wait=0'],
    ];
    const secrets = [new URL(url).password, stored.token];
    for (const [method, target] of calls) {
      const answer = await call(app, method, target);
      expectOutage(answer, /^PostgreSQL is not reachable \(.+\)$/, `${method} ${target}`, secrets);
    }
    // A stored token cannot be checked without the database: 503, not 401 and not 500.
    expectOutage(
      await call(app, 'GET', '/api/devices/', stored.token),
      /^PostgreSQL is not reachable/,
      'a stored token',
      secrets,
    );

    const health = await app.request('/health');
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({
      status: 'unavailable',
      checks: { database: { ok: false }, temporal: { ok: true } },
    });

    // The same server back on its port: the same API answers, and the device is still there.
    pg = await startEmbeddedPostgres({ dataDir, port, database: 'bridge_outage', sharedDir });
    const again = await call(app, 'GET', '/api/devices/', stored.token);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ count: 1, results: [{ id, name: 'Gate' }] });
    // No worker runs here, so /health stays 503, for that reason only.
    expect(await (await app.request('/health')).json()).toMatchObject({
      checks: { database: { ok: true }, temporal: { ok: true }, workers: { ok: false } },
    });
  }, 120_000);
});

describe('Temporal not reachable from a running API', () => {
  let db: TestDatabase;
  let connection: Connection;
  let app: App;

  beforeAll(async () => {
    db = await createTestDatabase();
    // A port where no Temporal listens: the client's calls are refused, as with a stopped server.
    // The SDK retries a refused call for about 20 s, and a retry still due when the connection
    // closes throws "Channel has been shut down" from its timer: here each call is tried once.
    connection = Connection.lazy({
      address: `127.0.0.1:${await freePort()}`,
      interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: 1 }))],
    });
    app = appOn(db.sql, new Client({ connection }), testConfig());
  });
  afterAll(async () => {
    await connection?.close();
    await db?.drop();
  });

  test('schedules and triggers answer 503 with the reason; PostgreSQL reads still answer; /health says 503', async () => {
    const id = await addDevice(app);
    const [day] = await db.sql<{ id: number }[]>`
      insert into attendance_days (
        user_id, date, clock_in, clock_in_local, clock_in_timezone, clock_in_device_id,
        punch_count, device_ids, punch_ids, content_key)
      values ('7', '2025-11-11', '2025-11-11T05:00:00Z', '2025-11-11 08:00:00', 'Africa/Nairobi', ${id},
        1, ${[id]}, ${[]}, 'outage')
      returning id`;

    const calls: [string, string][] = [
      ['GET', '/api/schedules/'],
      ['GET', '/api/schedules/bridge-poll-devices/'],
      ['POST', '/api/schedules/bridge-poll-devices/trigger/'],
      ['POST', '/api/schedules/bridge-poll-devices/pause/'],
      ['POST', '/api/processed-attendance/process/?wait=0'],
      ['POST', '/api/processed-attendance/sync/?wait=0'],
      ['POST', '/api/devices/poll_all/?wait=0'],
      ['POST', `/api/devices/${id}/poll/?wait=0`],
      ['GET', `/api/devices/${id}/info/`],
      ['POST', `/api/processed-attendance/${day.id}/redeliver/?wait=0`],
    ];
    const answers = await Promise.all(calls.map(([method, url]) => call(app, method, url)));
    answers.forEach((answer, i) => {
      expectOutage(answer, /^Temporal is not reachable \(UNAVAILABLE: .+\)$/, calls[i].join(' '));
    });

    expect((await call(app, 'GET', `/api/devices/${id}/`)).status).toBe(200);
    const health = await app.request('/health');
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({
      status: 'unavailable',
      checks: { database: { ok: true }, temporal: { ok: false } },
    });
  }, 120_000);
});
