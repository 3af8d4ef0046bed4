import { randomBytes, randomInt } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { type App, createApp } from '../../api/app.js';
import type { AppDeps } from '../../api/deps.js';
import { createTokenVerifier } from '../../lib/auth/tokens.js';
import type { Config } from '../../lib/config.js';
import type { CrmClient } from '../../lib/crm/client.js';
import { DeviceUnreachableError } from '../../lib/errors.js';
import { createLogger } from '../../lib/logger.js';
import { ZkClient, type ZkClientOptions } from '../../lib/zk/client/index.js';
import { readWorkerMetrics } from '../../worker/runtime.js';
import type { RunningWorkers } from '../../worker/workers.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { connectTestClient, startTestWorkers, testActivityDeps, testConfig } from '../support/temporal.js';

export interface ApiResponse {
  status: number;
  /** Parsed JSON, or null for an empty body. */
  body: unknown;
  text: string;
  headers: Headers;
}

export interface CallOptions {
  body?: unknown;
  /** Sent as is (for malformed bodies); wins over `body`. */
  rawBody?: string;
  contentType?: string;
  /** Authorization header value; default `Token <the harness token>`; null sends none. */
  authorization?: string | null;
}

export interface ApiHarness {
  app: App;
  db: TestDatabase;
  config: Config;
  temporal: Client;
  token: string;
  workflowIdPrefix: string;
  call(method: string, path: string, options?: CallOptions): Promise<ApiResponse>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Run the bridge's workers (a real Temporal worker set on this file's own task queues). */
  workers?: boolean;
  settings?: Record<string, string>;
  crm?: CrmClient | null;
  /** The schedules the API drives, made from the harness settings (their task queues). */
  schedules?: (config: Config) => NonNullable<AppDeps['schedules']>;
}

/**
 * Devices in tests live on 127.0.0.1 only: a host a test (or the fuzzer) made up is refused before
 * any packet leaves, as an unreachable device.
 */
export function loopbackOnly(options: ZkClientOptions): Promise<ZkClient> {
  if (options.host !== '127.0.0.1') {
    return Promise.reject(
      new DeviceUnreachableError(`test device ${options.host}:${options.port} is not on 127.0.0.1`),
    );
  }
  return ZkClient.connect(options);
}

/** The app on a fresh database, a token, the shared Temporal server and, when asked, workers. */
export async function startApiHarness(options: HarnessOptions = {}): Promise<ApiHarness> {
  const db = await createTestDatabase();
  // Ids far apart per file: workflow ids such as poll/device-<id> are unique in the whole namespace,
  // which every test file shares.
  await db.sql`select setval('devices_id_seq', ${randomInt(1_000, 1_000_000_000)})`;
  await db.sql`select setval('attendance_days_id_seq', ${randomInt(1_000, 1_000_000_000)})`;
  const config = testConfig({
    DEVICE_POLL_MAX_ATTEMPTS: '1',
    TIME_ZONE: 'Africa/Nairobi',
    ...options.settings,
  });
  // API_TEST_LOG_LEVEL=error shows what a 500 was about while debugging a test.
  const logger = createLogger(process.env.API_TEST_LOG_LEVEL ?? 'silent');
  const connection = await connectTestClient();
  let workers: RunningWorkers | null = null;
  if (options.workers) {
    const deps = testActivityDeps(db.sql, config, {
      logger,
      connectDevice: loopbackOnly,
      crm: options.crm ?? null,
    });
    workers = await startTestWorkers({ config, deps });
  }
  const token = `test-${randomBytes(12).toString('hex')}`;
  const workflowIdPrefix = `api-test-${randomBytes(4).toString('hex')}/`;
  const app = createApp({
    sql: db.sql,
    temporal: connection.client,
    config,
    logger,
    version: 'test',
    verifyToken: createTokenVerifier(db.sql, token),
    schedules: options.schedules?.(config),
    workflowIdPrefix,
    // As `npm start` wires it: the workers run in this process, so /metrics shows theirs too.
    workerMetrics: options.workers ? () => readWorkerMetrics() : undefined,
  });

  return {
    app,
    db,
    config,
    temporal: connection.client,
    token,
    workflowIdPrefix,
    async call(method, path, callOptions = {}) {
      const headers: Record<string, string> = {};
      const authorization =
        callOptions.authorization === undefined ? `Token ${token}` : callOptions.authorization;
      if (authorization !== null) headers.authorization = authorization;
      let body: string | undefined;
      if (callOptions.rawBody !== undefined) body = callOptions.rawBody;
      else if (callOptions.body !== undefined) body = JSON.stringify(callOptions.body);
      if (body !== undefined) headers['content-type'] = callOptions.contentType ?? 'application/json';
      const response = await app.request(`http://bridge.test${path}`, { method, headers, body });
      const text = await response.text();
      let parsed: unknown = null;
      if (text.length > 0) {
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = text;
        }
      }
      return { status: response.status, body: parsed, text, headers: response.headers };
    },
    async close() {
      await workers?.shutdown();
      await connection.close();
      await db.drop();
    },
  };
}

/** Keys of an object, sorted, for comparing field lists. */
export function keysOf(value: unknown): string[] {
  return Object.keys(value as Record<string, unknown>).sort();
}

/** Every key name anywhere in a JSON value. */
export function keyNames(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keyNames);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) => [key, ...keyNames(inner)]);
}
