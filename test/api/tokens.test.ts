import type { Client } from '@temporalio/client';
import { createApp } from '../../api/app.js';
import { createToken, createTokenVerifier, revokeToken } from '../../lib/auth/tokens.js';
import { createLogger } from '../../lib/logger.js';
import { waitFor } from '../support/bridgeProcess.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { connectTestClient, startTestWorkers, testActivityDeps, testConfig } from '../support/temporal.js';

let db: TestDatabase;
let temporal: { client: Client; close(): Promise<void> };
let app: ReturnType<typeof createApp>;
const config = testConfig();

beforeAll(async () => {
  db = await createTestDatabase();
  temporal = await connectTestClient();
  app = createApp({
    sql: db.sql,
    temporal: temporal.client,
    config,
    logger: createLogger('silent'),
    version: 'test',
    verifyToken: createTokenVerifier(db.sql, 'bootstrap-secret-123'),
  });
});
afterAll(async () => {
  await temporal.close();
  await db.drop();
});

describe('token authentication on /api/', () => {
  test('no credentials: the original 401 body', async () => {
    const response = await app.request('/api/schema/');
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ detail: 'Authentication credentials were not provided.' });
  });

  test.each([
    ['Token bootstrap-secret-123', 200],
    ['Bearer bootstrap-secret-123', 200],
    ['token bootstrap-secret-123', 200],
    ['Token wrong', 401],
    ['Basic Ym9vdHN0cmFw', 401],
    ['Token', 401],
  ])('Authorization: %s -> %i', async (header, status) => {
    const response = await app.request('/api/schema/', { headers: { Authorization: header } });
    expect(response.status).toBe(status);
  });

  test('stored tokens work until revoked, and are stored only hashed', async () => {
    const created = await createToken(db.sql, 'script');
    const ask = () => app.request('/api/schema/', { headers: { Authorization: `Token ${created.token}` } });
    expect((await ask()).status).toBe(200);
    const [row] = await db.sql<
      { tokenHash: string }[]
    >`select token_hash as "tokenHash" from api_tokens where id = ${created.id}`;
    expect(row.tokenHash).not.toContain(created.token);
    expect(await revokeToken(db.sql, created.id)).toBe(true);
    expect((await ask()).status).toBe(401);
  });
});

describe('health', () => {
  test('is public, reports PostgreSQL, Temporal and the workers, and holds no attendance data', async () => {
    // No worker polls this test's task queues yet: the bridge is not working, whatever else answers.
    const idle = await app.request('/health');
    expect(idle.status).toBe(503);
    expect(await idle.json()).toMatchObject({
      status: 'unavailable',
      checks: {
        database: { ok: true },
        temporal: { ok: true },
        workers: {
          ok: false,
          error: expect.stringContaining(`${config.DEVICE_TASK_QUEUE} (activity tasks)`),
        },
      },
    });

    const workers = await startTestWorkers({ config, deps: testActivityDeps(db.sql, config) });
    try {
      // A worker counts once it has polled its queues: wait for that, not for a fixed time.
      const response = await waitFor(
        async () => {
          const answer = await app.request('/health');
          return answer.status === 200 ? answer : undefined;
        },
        { what: '/health to answer 200', timeoutMs: 30_000 },
      );
      expect(response.status).toBe(200);
      const body = (await response.json()) as Record<string, unknown>;
      expect(body).toMatchObject({
        status: 'ok',
        version: 'test',
        checks: { database: { ok: true }, temporal: { ok: true }, workers: { ok: true } },
      });
      expect(Object.keys(body).sort()).toEqual(['checks', 'status', 'version']);
    } finally {
      await workers.shutdown();
    }
  }, 60_000);
});

test('unknown paths answer the original 404 body', async () => {
  const response = await app.request('/nothing-here');
  expect(response.status).toBe(404);
  expect(await response.json()).toEqual({ detail: 'Not found.' });
});

test('/metrics is public Prometheus text without attendance data', async () => {
  await db.sql`insert into devices (name, host, port, timezone) values ('Gate', '10.9.9.9', 4370, 'UTC')`;
  const device = await db.sql<{ id: number }[]>`select id from devices where host = '10.9.9.9'`;
  await db.sql`
    insert into raw_punches (device_id, user_id, punched_at_local, punched_at, timezone, verify_type, punch_state, source)
    values (${device[0].id}, 'EMP-SECRET-77', '2025-11-11 08:00:00', '2025-11-11 08:00:00+00', 'UTC', 1, 0, 'poll')`;
  const response = await app.request('/metrics');
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
  const text = await response.text();
  expect(text).toMatch(/^bridge_punches_stored_total 1$/m);
  expect(text).toMatch(/# TYPE bridge_unprocessed_punches gauge/);
  expect(text).not.toContain('EMP-SECRET-77');
  expect(text).not.toContain('10.9.9.9');
});
