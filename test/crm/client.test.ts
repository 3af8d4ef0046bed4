import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type ServerResponse } from 'node:http';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CrmClientOptions, createCrmClient, outcomeToError } from '../../lib/crm/client.js';
import { buildPayload, idempotencyKey } from '../../lib/crm/payload.js';
import { ConfigurationError, CrmRejectedError, CrmTransientError } from '../../lib/errors.js';
import {
  answer,
  type CrmBehaviour,
  type CrmServer,
  createIdempotentStore,
  requireToken,
  startCrmServer,
} from '../support/crmServer.js';
import { exampleBody, exampleDay } from './example.js';

const token = 'tok_7f3a9c1e5b2d4e6f';
const day = { ...exampleDay, revision: 2 };
const payload = buildPayload(day);
const key = idempotencyKey(day);

let crm: CrmServer;

beforeAll(async () => {
  crm = await startCrmServer();
});

afterAll(async () => {
  await crm.close();
});

beforeEach(() => {
  crm.requests.length = 0;
  crm.setBehaviour(answer(201, { status: 'created' }));
});

function client(overrides: Partial<CrmClientOptions> = {}) {
  return createCrmClient({ url: crm.url, token, timeoutMs: 5000, ...overrides });
}

/** A URL on 127.0.0.1 where nothing listens. */
async function refusingUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/api/attendance/`;
}

describe('deliver', () => {
  it.each([200, 201])('counts %i as delivered, sending the exact body and headers', async (status) => {
    crm.setBehaviour(answer(status, { id: 1 }));
    const outcome = await client({ userAgent: 'bridge-test/1' }).deliver(payload, key);

    expect(outcome).toEqual({ kind: 'delivered', status, durationMs: expect.any(Number) });
    expect(crm.requests).toHaveLength(1);
    const [request] = crm.requests;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/api/attendance/');
    expect(request.body).toStrictEqual(exampleBody(2));
    expect(request.headers).toMatchObject({
      authorization: `Token ${token}`,
      'content-type': 'application/json',
      'idempotency-key': 'attendance-42-EMP001-2025-11-11-r2',
      'user-agent': 'bridge-test/1',
    });
  });

  it.each([
    { status: 500, retryAfter: undefined, retryAfterMs: null },
    { status: 502, retryAfter: undefined, retryAfterMs: null },
    { status: 503, retryAfter: '10', retryAfterMs: 10_000 },
    { status: 408, retryAfter: undefined, retryAfterMs: null },
    { status: 429, retryAfter: '2', retryAfterMs: 2000 },
  ])(
    'treats $status as transient, with Retry-After $retryAfter',
    async ({ status, retryAfter, retryAfterMs }) => {
      crm.setBehaviour(
        answer(status, { error: 'try later' }, retryAfter ? { 'retry-after': retryAfter } : {}),
      );
      const outcome = await client().deliver(payload, key);

      expect(outcome).toEqual({
        kind: 'transient',
        status,
        error: expect.stringContaining(`CRM at ${crm.url} answered ${status} `),
        retryAfterMs,
        durationMs: expect.any(Number),
      });
      expect(outcome.kind === 'transient' && outcome.error).toContain('{"error":"try later"}');
      // Retries belong to the workflow: one delivery is one request.
      expect(crm.requests).toHaveLength(1);
    },
  );

  it('reads a 429 Retry-After given as an HTTP date', async () => {
    const retryAt = new Date(Date.now() + 60_000).toUTCString();
    crm.setBehaviour(answer(429, { error: 'slow down' }, { 'retry-after': retryAt }));
    const outcome = await client().deliver(payload, key);

    expect(outcome.kind).toBe('transient');
    if (outcome.kind !== 'transient') return;
    // HTTP dates have whole seconds, so up to one second is lost; the rest is the date's distance.
    expect(outcome.retryAfterMs).toBeGreaterThan(30_000);
    expect(outcome.retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  it('rejects a 422 with the first 500 characters of the body', async () => {
    const body = JSON.stringify({ error: 'Unknown user EMP001', detail: 'd'.repeat(1000) });
    crm.setBehaviour(answer(422, body));
    const outcome = await client().deliver(payload, key);

    expect(outcome).toEqual({
      kind: 'rejected',
      status: 422,
      error: expect.stringContaining(
        `CRM at ${crm.url} rejected the record with 422 Unprocessable Entity: {"error":"Unknown user EMP001"`,
      ),
      bodyExcerpt: body.slice(0, 500),
      durationMs: expect.any(Number),
    });
  });

  it.each([
    { status: 204, message: /only 200 or 201 confirm/ },
    { status: 202, message: /only 200 or 201 confirm/ },
    { status: 401, message: /check CRM_API_TOKEN/ },
    { status: 404, message: /check CRM_API_URL/ },
  ])('rejects $status with a clear message', async ({ status, message }) => {
    crm.setBehaviour(answer(status));
    const outcome = await client().deliver(payload, key);
    expect(outcome).toMatchObject({ kind: 'rejected', status, error: expect.stringMatching(message) });
  });

  it('rejects a redirect and does not follow it with the token', async () => {
    crm.setBehaviour((request) =>
      request.path === '/elsewhere/'
        ? { status: 201 }
        : { status: 307, headers: { location: '/elsewhere/' } },
    );
    const outcome = await client().deliver(payload, key);

    expect(outcome).toMatchObject({
      kind: 'rejected',
      status: 307,
      error: expect.stringMatching(/not followed/),
    });
    expect(crm.requests.map((request) => request.path)).toEqual(['/api/attendance/']);
  });

  it('gives up after timeoutMs as a transient failure', async () => {
    crm.setBehaviour(() => ({ status: 201, delayMs: 3000 }));
    const outcome = await client({ timeoutMs: 200 }).deliver(payload, key);

    expect(outcome).toEqual({
      kind: 'transient',
      status: null,
      error: `CRM at ${crm.url} did not answer within 200 ms`,
      retryAfterMs: null,
      durationMs: expect.any(Number),
    });
  });

  it('treats a dropped connection as transient', async () => {
    crm.setBehaviour(() => ({ hangUp: true }));
    const outcome = await client().deliver(payload, key);
    expect(outcome).toMatchObject({
      kind: 'transient',
      status: null,
      error: expect.stringMatching(/broke before it answered \(ECONNRESET/),
    });
  });

  it('treats a refused connection as transient', async () => {
    const url = await refusingUrl();
    const outcome = await client({ url }).deliver(payload, key);
    expect(outcome).toEqual({
      kind: 'transient',
      status: null,
      error: `CRM at ${url} refused the connection (ECONNREFUSED); is it running, and is CRM_API_URL right?`,
      retryAfterMs: null,
      durationMs: expect.any(Number),
    });
  });

  it('lets an idempotent CRM apply a repeated delivery once', async () => {
    const store = createIdempotentStore();
    crm.setBehaviour(store.behaviour);
    const crmClient = client();

    const first = await crmClient.deliver(payload, key);
    const repeat = await crmClient.deliver(payload, key);
    const corrected = { ...day, revision: 3, clockOut: new Date('2025-11-11T15:00:00Z') };
    const next = await crmClient.deliver(buildPayload(corrected), idempotencyKey(corrected));

    expect([first, repeat, next].map((outcome) => [outcome.kind, outcome.status])).toEqual([
      ['delivered', 201],
      ['delivered', 200],
      ['delivered', 201],
    ]);
    expect(store.applied.map((record) => record.key)).toEqual([
      'attendance-42-EMP001-2025-11-11-r2',
      'attendance-42-EMP001-2025-11-11-r3',
    ]);
    expect(store.repeats()).toBe(1);
  });

  it('maps outcomes to the bridge error classes', async () => {
    crm.setBehaviour(answer(503, 'down', { 'retry-after': '3' }));
    const transient = outcomeToError(await client().deliver(payload, key));
    crm.setBehaviour(answer(400, { error: 'bad date' }));
    const rejected = outcomeToError(await client().deliver(payload, key));

    expect(transient).toBeInstanceOf(CrmTransientError);
    expect(transient).toMatchObject({ details: { status: 503, retryAfterMs: 3000 } });
    expect(rejected).toBeInstanceOf(CrmRejectedError);
    expect(rejected).toMatchObject({ details: { status: 400, bodyExcerpt: '{"error":"bad date"}' } });
  });

  it('refuses an idempotency key a header cannot carry', async () => {
    await expect(client().deliver(payload, 'two\nlines')).rejects.toThrow(/idempotency key/);
    expect(crm.requests).toHaveLength(0);
  });
});

describe('checkConnection', () => {
  it('reports a reachable CRM without creating a record', async () => {
    const store = createIdempotentStore();
    crm.setBehaviour(requireToken(token, store.behaviour));
    const check = await client().checkConnection();

    expect(check).toEqual({ ok: true, status: 204, error: null, durationMs: expect.any(Number) });
    expect(crm.requests.map((request) => request.method)).toEqual(['OPTIONS']);
    expect(crm.requests[0].headers.authorization).toBe(`Token ${token}`);
    expect(store.applied).toHaveLength(0);
  });

  it('passes when the endpoint only takes POST', async () => {
    crm.setBehaviour(answer(405, { detail: 'Method "OPTIONS" not allowed.' }));
    expect(await client().checkConnection()).toMatchObject({ ok: true, status: 405, error: null });
  });

  it.each([
    { status: 401, message: /check CRM_API_TOKEN/ },
    { status: 404, message: /check CRM_API_URL/ },
    { status: 503, message: /cannot take requests now/ },
    { status: 302, message: /redirects are not followed/ },
  ])('fails on $status with advice', async ({ status, message }) => {
    crm.setBehaviour(answer(status));
    const check = await client().checkConnection();
    expect(check).toMatchObject({ ok: false, status, error: expect.stringMatching(message) });
  });

  it('reports an unreachable CRM', async () => {
    const check = await client({ url: await refusingUrl() }).checkConnection();
    expect(check).toMatchObject({ ok: false, status: null, error: expect.stringMatching(/ECONNREFUSED/) });
  });
});

describe('createCrmClient settings', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'crm-client-test-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('names CRM_CA_FILE and the path when the CA file is missing', () => {
    const caFile = join(dir, 'missing-ca.pem');
    expect(() => client({ caFile })).toThrow(ConfigurationError);
    expect(() => client({ caFile })).toThrow(
      `CRM_CA_FILE points to ${caFile}, which cannot be read (ENOENT)`,
    );
  });

  it('refuses a CA file without a certificate in it', async () => {
    const caFile = join(dir, 'not-a-ca.pem');
    await writeFile(caFile, 'hello\n');
    expect(() => client({ caFile })).toThrow(
      `CRM_CA_FILE points to ${caFile}, which holds no PEM certificate`,
    );
  });

  it('refuses a CA file whose certificate is damaged', async () => {
    const caFile = join(dir, 'damaged-ca.pem');
    await writeFile(caFile, '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n');
    expect(() => client({ caFile })).toThrow(/damaged PEM certificate/);
  });

  it.each([
    { name: 'a URL that does not parse', overrides: { url: 'crm.example/api' }, message: /CRM_API_URL/ },
    { name: 'a non-HTTP URL', overrides: { url: 'ftp://crm.example/' }, message: /CRM_API_URL must start/ },
    {
      // It would replace the token with Basic auth, and the password must not be echoed.
      name: 'a URL with a password',
      overrides: { url: 'https://bridge:pa55w0rd@crm.example/api/' },
      message:
        /^CRM_API_URL must not hold a user name or password; the CRM is authenticated with CRM_API_TOKEN$/,
    },
    { name: 'an empty token', overrides: { token: ' ' }, message: /CRM_API_TOKEN is empty/ },
    { name: 'a token with a newline', overrides: { token: `${token}\nX-Evil: 1` }, message: /CRM_API_TOKEN/ },
    { name: 'a zero timeout', overrides: { timeoutMs: 0 }, message: /CRM_REQUEST_TIMEOUT/ },
  ])('refuses $name as a configuration error', ({ overrides, message }) => {
    expect(() => client(overrides)).toThrow(ConfigurationError);
    expect(() => client(overrides)).toThrow(message);
  });
});

describe('token secrecy', () => {
  // A CRM that quotes everything back, the token and the URL's query included.
  const echo =
    (status: number, headers: Record<string, string> = {}): CrmBehaviour =>
    (request) => ({
      status,
      headers,
      body: `you sent ${request.headers.authorization} to ${request.path}`,
    });

  const scenarios: Array<{ name: string; behaviour?: CrmBehaviour; options?: Partial<CrmClientOptions> }> = [
    { name: 'delivered', behaviour: answer(201) },
    { name: '422 echoing the token', behaviour: echo(422) },
    { name: '400 echoing the token', behaviour: echo(400) },
    { name: '401 echoing the token', behaviour: echo(401) },
    { name: '500 echoing the token', behaviour: echo(500) },
    { name: '429 echoing the token', behaviour: echo(429, { 'retry-after': '1' }) },
    { name: 'redirect quoting the token', behaviour: echo(302, { location: `/login?t=${token}` }) },
    { name: '204 echoing the token', behaviour: echo(204) },
    { name: 'timeout', behaviour: () => ({ status: 201, delayMs: 3000 }), options: { timeoutMs: 200 } },
    { name: 'dropped connection', behaviour: () => ({ hangUp: true }) },
  ];

  it.each(scenarios)(
    'keeps the token and URL secrets out of the outcome and error: $name',
    async (scenario) => {
      if (scenario.behaviour) crm.setBehaviour(scenario.behaviour);
      const url = `${crm.url}?api_key=qu3ry_s3cret`;
      const crmClient = client({ url, ...scenario.options });
      const outcome = await crmClient.deliver(payload, key);
      const check = await crmClient.checkConnection();
      const error = outcomeToError(outcome);

      const seen = [JSON.stringify(outcome), JSON.stringify(check), error?.message ?? '', error?.stack ?? ''];
      for (const text of seen) {
        expect(text).not.toContain(token);
        expect(text).not.toContain('qu3ry_s3cret');
      }
      // The CRM did get the token: the assertion above is not vacuous.
      expect(crm.requests.at(-1)?.headers.authorization).toBe(`Token ${token}`);
    },
  );

  it('keeps the token out of a refused connection and of configuration errors', async () => {
    const refused = await client({ url: await refusingUrl() }).deliver(payload, key);
    const errors: unknown[] = [];
    for (const overrides of [
      { caFile: '/nonexistent/ca.pem' },
      { url: `not a url ${token}` },
      { token: `${token}\n` },
    ]) {
      try {
        client(overrides);
      } catch (error) {
        errors.push(error);
      }
    }
    expect(errors).toHaveLength(3);
    const texts = [JSON.stringify(refused), ...errors.map((error) => String((error as Error).stack))];
    for (const text of texts) expect(text).not.toContain(token);
  });
});

/**
 * A CRM on node's own server whose answers the tests write by hand: slow, endless or cut short.
 * Each request takes the next handler queued; without one it gets 201. It counts connections, so a
 * test can tell a reused socket from a new one.
 */
interface HandWrittenCrm {
  url: string;
  queue(...handlers: Array<(response: ServerResponse) => void>): void;
  connections(): number;
  close(): Promise<void>;
}

async function startHandWrittenCrm(): Promise<HandWrittenCrm> {
  const handlers: Array<(response: ServerResponse) => void> = [];
  let connections = 0;
  const server = createHttpServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const handler = handlers.shift();
      if (handler) handler(response);
      else response.writeHead(201, { 'content-type': 'application/json' }).end('{"status":"created"}');
    });
  });
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/attendance/`,
    queue: (...next) => handlers.push(...next),
    connections: () => connections,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

/** Writes one byte every 10 ms and never finishes, until the client goes (or 60 s at most). */
function dripForever(response: ServerResponse): void {
  response.writeHead(201, { 'content-type': 'application/json', 'content-length': '100000' });
  let writes = 0;
  const timer = setInterval(() => {
    writes += 1;
    if (response.destroyed || writes > 6000) clearInterval(timer);
    else response.write('x');
  }, 10);
  response.on('close', () => clearInterval(timer));
}

describe('answers that end badly', () => {
  let handWritten: HandWrittenCrm;

  beforeEach(async () => {
    handWritten = await startHandWrittenCrm();
  });

  afterEach(async () => {
    await handWritten.close();
  });

  const handClient = (timeoutMs = 5000) => createCrmClient({ url: handWritten.url, token, timeoutMs });

  it('gives the socket back to the pool after a whole answer, body and all', async () => {
    handWritten.queue((response) => response.writeHead(422).end('x'.repeat(100_000)));
    const crmClient = handClient();

    expect(await crmClient.deliver(payload, key)).toMatchObject({ kind: 'rejected', status: 422 });
    expect(await crmClient.deliver(payload, key)).toMatchObject({ kind: 'delivered', status: 201 });
    expect(await crmClient.checkConnection()).toMatchObject({ ok: true, status: 201 });
    expect(handWritten.connections()).toBe(1);
  });

  it('applies the time limit to the whole answer, however slowly its body trickles in', async () => {
    // Each byte comes well within the limit: only a limit on the whole exchange ends this.
    handWritten.queue(dripForever);
    const outcome = await handClient(300).deliver(payload, key);

    expect(outcome).toEqual({
      kind: 'transient',
      status: null,
      error: `CRM at ${handWritten.url} did not answer within 300 ms`,
      retryAfterMs: null,
      durationMs: expect.any(Number),
    });
  });

  it.each([
    { name: 'before the answer', stall: (_response: ServerResponse) => {} },
    { name: 'in the middle of the body', stall: dripForever },
  ])('does not reuse a socket given up $name', async ({ stall }) => {
    // The first answer never completes: were its socket reused, the next request would queue
    // behind it on the same connection and time out as well.
    handWritten.queue(stall);
    const crmClient = handClient(300);

    expect(await crmClient.deliver(payload, key)).toMatchObject({
      kind: 'transient',
      error: expect.stringMatching(/did not answer within 300 ms/),
    });
    expect(await crmClient.deliver(payload, key)).toMatchObject({ kind: 'delivered', status: 201 });
    expect(await crmClient.deliver(payload, key)).toMatchObject({ kind: 'delivered', status: 201 });
    expect(handWritten.connections()).toBe(2);
  });

  it('reads no more than an excerpt needs of a huge body, and closes that connection', async () => {
    let written = 0;
    let clientLeft = false;
    handWritten.queue((response) => {
      // Endless (a 1 GiB cap keeps the test finite): reading it all would take the whole time limit.
      response.writeHead(422, { 'content-type': 'text/plain' });
      const chunk = `${'y'.repeat(1023)}\n`.repeat(64);
      const pump = () => {
        while (!response.destroyed && written < 2 ** 30) {
          written += chunk.length;
          if (!response.write(chunk)) return void response.once('drain', pump);
        }
        response.end();
      };
      response.on('close', () => {
        clientLeft = !response.writableFinished;
      });
      pump();
    });
    const crmClient = handClient(20_000);
    const outcome = await crmClient.deliver(payload, key);

    expect(outcome).toMatchObject({
      kind: 'rejected',
      status: 422,
      error: expect.stringContaining('rejected the record with 422 Unprocessable Entity: yyy'),
      bodyExcerpt: 'y'.repeat(500),
    });
    await waitUntil(() => clientLeft);
    // What the client read plus what the sockets' buffers took: far from the whole body.
    expect(written).toBeLessThan(64 * 2 ** 20);
    expect(await crmClient.deliver(payload, key)).toMatchObject({ kind: 'delivered', status: 201 });
  });

  it('treats a connection reset in the middle of the body as transient', async () => {
    handWritten.queue((response) => {
      response.writeHead(201, { 'content-type': 'application/json', 'content-length': '1000' });
      response.write('{"status":', () => response.socket?.destroy());
    });
    const crmClient = handClient();

    expect(await crmClient.deliver(payload, key)).toMatchObject({
      kind: 'transient',
      status: null,
      error: expect.stringMatching(/broke before it answered \(ECONNRESET: /),
    });
    expect(await crmClient.deliver(payload, key)).toMatchObject({ kind: 'delivered', status: 201 });
  });
});

async function waitUntil(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}
