import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import type { Config } from '../../lib/config.js';
import { DeviceSimulator } from '../../lib/zk/simulator/index.js';
import { type BridgeSchedule, bridgeSchedules, ensureSchedules } from '../../worker/schedules.js';
import { type ApiHarness, keyNames, startApiHarness } from './harness.js';

// Every operation of the app's own OpenAPI document, called with random path parameters, query strings
// and bodies (well-typed, mistyped and malformed). Whatever comes in, the API answers without a 5xx
// (but the contract's 503 for an unreachable device), in JSON, and never with a comm key or a token.

type Body = Record<string, unknown>;
interface Parameter {
  name: string;
  in: 'path' | 'query';
  schema?: { type?: string | string[]; enum?: string[] };
}
interface Operation {
  method: string;
  path: string;
  parameters: Parameter[];
  bodyProperties: Record<string, { type?: string | string[] }> | null;
}

const COMM_KEY = 987_654_321;
const suffix = randomBytes(3).toString('hex');
const ours = (config: Config): BridgeSchedule[] =>
  bridgeSchedules(config).map((schedule) => ({ ...schedule, id: `${schedule.id}-${suffix}` }));

let api: ApiHarness;
let simulator: DeviceSimulator;
let operations: Operation[];
/** Ids that exist, by the path they belong under. */
const known: Record<'devices' | 'punches' | 'days' | 'schedules', string[]> = {
  devices: [],
  punches: [],
  days: [],
  schedules: [],
};

beforeAll(async () => {
  simulator = await DeviceSimulator.start({
    port: 0,
    commKey: COMM_KEY,
    users: 3,
    punches: 30,
    seed: 'fuzz',
  });
  api = await startApiHarness({ workers: true, schedules: ours });
  known.schedules = ours(api.config).map((s) => s.id);
  await ensureSchedules(api.temporal, api.config, ours(api.config));

  // Real rows to aim at: a device with punches (on the simulator) and its daily records.
  const device = await api.call('POST', '/api/devices/', {
    body: { name: 'Fuzz', ip_address: '127.0.0.1', port: simulator.port, comm_key: COMM_KEY },
  });
  const deviceId = (device.body as Body).id as number;
  expect((await api.call('POST', `/api/devices/${deviceId}/poll/?wait=60`)).status).toBe(200);
  expect((await api.call('POST', '/api/processed-attendance/process/?wait=60')).status).toBe(200);
  const punches = (await api.call('GET', '/api/raw-attendance/?page_size=3')).body as Body;
  const days = (await api.call('GET', '/api/processed-attendance/?page_size=3')).body as Body;
  known.devices = [String(deviceId)];
  known.punches = (punches.results as Body[]).map((p) => String(p.id));
  known.days = (days.results as Body[]).map((d) => String(d.id));

  const doc = (await api.call('GET', '/api/schema/')).body as {
    paths: Record<string, Record<string, { parameters?: Parameter[]; requestBody?: unknown }>>;
  };
  operations = Object.entries(doc.paths)
    .filter(([path]) => path.startsWith('/api/'))
    .flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => {
        const body = op.requestBody as
          | { content?: { 'application/json'?: { schema?: { properties?: Body; $ref?: string } } } }
          | undefined;
        let schema = body?.content?.['application/json']?.schema;
        if (schema?.$ref) {
          const name = schema.$ref.split('/').pop() as string;
          schema = (doc as unknown as { components: { schemas: Record<string, typeof schema> } }).components
            .schemas[name];
        }
        return {
          method: method.toUpperCase(),
          path,
          parameters: op.parameters ?? [],
          bodyProperties: body ? ((schema?.properties ?? {}) as Operation['bodyProperties']) : null,
        };
      }),
    );
}, 180_000);
afterAll(async () => {
  for (const id of known.schedules) {
    await api?.temporal.schedule
      .getHandle(id)
      .delete()
      .catch(() => {});
  }
  await api?.close();
  await simulator?.close();
});

test('the OpenAPI document describes every /api/ route the app serves', () => {
  const documented = new Set(operations.map((op) => `${op.method} ${op.path.replace(/\{(\w+)\}/g, ':$1')}`));
  const served = new Set(
    api.app.routes
      .filter((r) => r.method !== 'ALL' && r.path.startsWith('/api/') && r.path !== '/api/schema/')
      .map((r) => `${r.method} ${r.path}`),
  );
  expect([...served].filter((route) => !documented.has(route))).toEqual([]);
  expect(operations.length).toBeGreaterThanOrEqual(25);
});

const text = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 10 }),
  fc.constantFrom('', ' ', '0', '-1', '1e3', 'null', 'true', '%00', '../..', "'; drop table devices; --"),
);
const junkInteger = fc.oneof(fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String), text);

/** Mostly values that pass validation, so the handlers behind it run too; now and then anything at all. */
const mostly = <T>(valid: fc.Arbitrary<T>, junk: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: valid, weight: 4 }, { arbitrary: junk, weight: 1 });

function pathValue(path: string, name: string): fc.Arbitrary<string> {
  const kind = path.startsWith('/api/devices/')
    ? known.devices
    : path.startsWith('/api/raw-attendance/')
      ? known.punches
      : path.startsWith('/api/processed-attendance/')
        ? known.days
        : known.schedules;
  const valid = name === 'id' ? fc.constantFrom(...kind) : fc.constant('1');
  // Now and then an id of another kind: it exists, only not there.
  const other = fc.constantFrom(...known.devices, ...known.punches, ...known.days, ...known.schedules);
  return fc
    .oneof(
      { arbitrary: valid, weight: 6 },
      { arbitrary: other, weight: 1 },
      { arbitrary: junkInteger, weight: 2 },
    )
    .map((value) => encodeURIComponent(value) || '0');
}

function queryValue(parameter: Parameter): fc.Arbitrary<string> {
  const { name } = parameter;
  if (name === 'wait') return mostly(fc.constantFrom('0', '1'), fc.constantFrom('', 'soon', '-1', '121'));
  if (parameter.schema?.enum) return mostly(fc.constantFrom(...parameter.schema.enum), text);
  if (name === 'device') return mostly(fc.constantFrom(...known.devices), junkInteger);
  if (name === 'page') return mostly(fc.integer({ min: 1, max: 3 }).map(String), junkInteger);
  if (name === 'page_size' || name === 'limit')
    return mostly(fc.integer({ min: 1, max: 1000 }).map(String), junkInteger);
  if (name.endsWith('_date')) {
    return mostly(
      fc.oneof(
        fc
          .date({ min: new Date('2025-10-01'), max: new Date('2025-12-31'), noInvalidDate: true })
          .map((d) => d.toISOString().slice(0, 10)),
        fc.constantFrom('2024-02-29', '0001-01-01', '9999-12-31'),
      ),
      fc.oneof(text, fc.constantFrom('2025-02-29', '0000-01-01', '2025-1-1')),
    );
  }
  if (name === 'ordering') {
    return mostly(fc.constantFrom('id', '-id', 'date,-user_id', 'timestamp', '-name', 'user_id'), text);
  }
  if (name === 'user_id') return mostly(fc.constantFrom('1', '2', '3', '1000000049'), text);
  if (parameter.schema?.type === 'integer')
    return mostly(fc.integer({ min: 0, max: 10 }).map(String), junkInteger);
  return text;
}

const VALID_BODY_VALUES: Record<string, fc.Arbitrary<unknown>> = {
  name: fc.string({ minLength: 1, maxLength: 20 }),
  // Any host may be sent; the test's device connector only ever opens 127.0.0.1.
  ip_address: fc.constantFrom('127.0.0.1', '10.0.0.7', 'gate.example.lan', '::1'),
  port: fc.integer({ min: 1, max: 65_535 }),
  comm_key: fc.constantFrom(0, COMM_KEY),
  timezone: fc.constantFrom('UTC', 'Africa/Nairobi', 'Asia/Kolkata'),
  enabled: fc.boolean(),
  task_queue: fc.constant(null),
  clear_log_after_download: fc.constant(false),
  note: fc.string({ maxLength: 20 }),
};

const bodyValue = (name: string, type: string | string[] | undefined): fc.Arbitrary<unknown> => {
  const types = Array.isArray(type) ? type : [type];
  const typed: fc.Arbitrary<unknown>[] = [fc.jsonValue({ maxDepth: 2 })];
  if (types.includes('integer')) typed.push(fc.integer({ min: -10, max: 70_000 }), text);
  if (types.includes('boolean')) typed.push(fc.constantFrom('true', '0', 'yes', 2));
  if (types.includes('string')) typed.push(text);
  if (types.includes('null')) typed.push(fc.constant(null));
  const valid =
    VALID_BODY_VALUES[name] ?? (name.endsWith('_date') ? fc.constant('2025-11-03') : fc.constant(null));
  return mostly(valid, fc.oneof(...typed));
};

function bodyRecord(
  properties: NonNullable<Operation['bodyProperties']>,
  requiredKeys: string[],
): fc.Arbitrary<{ json: unknown }> {
  const fields = Object.fromEntries(
    Object.entries(properties).map(([name, schema]) => [name, bodyValue(name, schema.type)]),
  );
  return fc.record(fields, { requiredKeys }).map((json) => ({ json }));
}

type Request = { path: string; query: string; body?: { raw: string } | { json: unknown } };

function requestFor(op: Operation): fc.Arbitrary<Request> {
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  const queryParams = op.parameters.filter((p) => p.in === 'query');
  const path = fc
    .tuple(...pathParams.map((p) => pathValue(op.path, p.name).map((value) => [p.name, value] as const)))
    .map((pairs) => pairs.reduce((built, [name, value]) => built.replace(`{${name}}`, value), op.path));
  const query = fc
    .tuple(
      // `wait` is always given: a trigger that waits its default 25 s, many times over, only makes the
      // run slow.
      fc.tuple(
        ...queryParams.map((p) =>
          p.name === 'wait' ? queryValue(p) : fc.option(queryValue(p), { nil: undefined, freq: 2 }),
        ),
      ),
      fc.dictionary(fc.string({ maxLength: 8 }), text, { maxKeys: 2 }),
    )
    .map(([values, junk]) => {
      const search = new URLSearchParams();
      queryParams.forEach((p, i) => {
        if (values[i] !== undefined) search.append(p.name, values[i] as string);
      });
      for (const [key, value] of Object.entries(junk)) search.append(key, value);
      return search.toString();
    });
  const properties = op.bodyProperties;
  const body: fc.Arbitrary<Request['body']> =
    properties === null
      ? fc.constant(undefined)
      : fc.oneof(
          { weight: 3, arbitrary: bodyRecord(properties, Object.keys(properties)) },
          { weight: 3, arbitrary: bodyRecord(properties, []) },
          fc.jsonValue({ maxDepth: 3 }).map((json) => ({ json })),
          fc.constantFrom('{', '{"name": }', '[]', 'null', '\u0000').map((raw) => ({ raw })),
          fc.constant(undefined),
        );
  return fc.record({ path, query, body }, { requiredKeys: ['path', 'query'] });
}

function checkAnswer(op: Operation, status: number, text: string, body: unknown): void {
  const where = `${op.method} ${op.path} -> ${status} ${text.slice(0, 300)}`;
  const deviceUnreachable =
    status === 503 && op.path.endsWith('/info/') && (body as Body)?.error === 'Failed to connect to device';
  if (status >= 500 && !deviceUnreachable) throw new Error(`server error: ${where}`);
  if (status !== 204 && (body === null || typeof body !== 'object')) throw new Error(`not JSON: ${where}`);
  if (text.includes(String(COMM_KEY)) || keyNames(body).includes('comm_key')) {
    throw new Error(`comm key in an answer: ${where}`);
  }
  if (text.includes(api.token)) throw new Error(`token in an answer: ${where}`);
  if (status >= 400 && status !== 404 && typeof (body as Body).error !== 'string') {
    if (typeof (body as Body).detail !== 'string')
      throw new Error(`error body without error/detail: ${where}`);
  }
}

test('every operation, random input: never a 5xx, always JSON, no secrets', async () => {
  for (const op of operations) {
    // Live device reads and workflow triggers wait on Temporal; the rest are quick.
    const slow =
      op.path.endsWith('/info/') ||
      (op.method === 'POST' && /(poll|poll_all|process|sync|trigger|redeliver)\/$/.test(op.path));
    const numRuns = slow ? 5 : 25;
    await fc.assert(
      fc.asyncProperty(requestFor(op), async (request) => {
        const url = request.query ? `${request.path}?${request.query}` : request.path;
        const response = await api.call(op.method, url, {
          ...(request.body && 'raw' in request.body ? { rawBody: request.body.raw } : {}),
          ...(request.body && 'json' in request.body ? { body: request.body.json } : {}),
        });
        checkAnswer(op, response.status, response.text, response.body);
      }),
      { numRuns, endOnFailure: true },
    );
  }
}, 600_000);
