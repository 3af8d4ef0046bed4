import {
  createServer as createHttpServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { seededRandom } from './random.js';

// The fault scenarios' chaotic CRM takes it from here, beside the server it drives.
export { seededRandom };

/** One request as the CRM saw it. */
export interface CrmRequest {
  method: string;
  /** Path and query, e.g. `/api/attendance/`. */
  path: string;
  headers: IncomingHttpHeaders;
  /** The body parsed as JSON, or the raw text when it is not JSON. */
  body: unknown;
  rawBody: string;
  receivedAt: Date;
}

/**
 * What the CRM does with one request: answer (after `delayMs`), or drop the connection without
 * answering. A string body is sent as text, anything else as JSON.
 */
export type CrmReply =
  | { status: number; body?: unknown; headers?: Record<string, string>; delayMs?: number }
  | { hangUp: true; delayMs?: number };

/** The connection a request came on. */
export interface CrmExchange {
  /** Settles when the connection is done: answered, or given up by the client. */
  closed: Promise<void>;
}

export type CrmBehaviour = (request: CrmRequest, exchange?: CrmExchange) => CrmReply | Promise<CrmReply>;

export interface CrmServerOptions {
  /** PEM key and certificate: serve HTTPS instead of HTTP. */
  tls?: { key: string; cert: string };
  /** Decides every answer; by default each POST gets 201. */
  behaviour?: CrmBehaviour;
}

export interface CrmServer {
  /** The endpoint URL on 127.0.0.1 and an OS-assigned port, e.g. `http://127.0.0.1:40123/api/attendance/`. */
  url: string;
  /** Every request received, in order of arrival. */
  requests: CrmRequest[];
  setBehaviour(behaviour: CrmBehaviour): void;
  /** Drops open connections and pending delays, then stops listening. */
  close(): Promise<void>;
}

export const crmPath = '/api/attendance/';

/** A real CRM endpoint on 127.0.0.1 for tests and benchmarks. */
export async function startCrmServer(options: CrmServerOptions = {}): Promise<CrmServer> {
  let behaviour: CrmBehaviour = options.behaviour ?? answer(201, { status: 'created' });
  const requests: CrmRequest[] = [];
  const pendingDelays = new Set<() => void>();

  const handle = async (incoming: IncomingMessage, response: ServerResponse): Promise<void> => {
    response.on('error', () => {});
    const closed = new Promise<void>((resolve) => response.once('close', () => resolve()));
    const request = await readRequest(incoming);
    requests.push(request);
    let reply: CrmReply;
    try {
      reply = await behaviour(request, { closed });
    } catch (error) {
      reply = { status: 500, body: { error: `test CRM behaviour failed: ${String(error)}` } };
    }
    if (reply.delayMs) await delay(reply.delayMs, pendingDelays);
    if (response.destroyed) return;
    if ('hangUp' in reply) {
      incoming.socket.destroy();
      return;
    }
    const isText = typeof reply.body === 'string';
    const body = reply.body === undefined ? '' : isText ? String(reply.body) : JSON.stringify(reply.body);
    response.writeHead(reply.status, {
      'content-type': isText ? 'text/plain; charset=utf-8' : 'application/json',
      ...reply.headers,
    });
    response.end(body);
  };
  const listener = (incoming: IncomingMessage, response: ServerResponse) => {
    handle(incoming, response).catch(() => response.destroy());
  };

  const server: Server = options.tls ? createHttpsServer(options.tls, listener) : createHttpServer(listener);
  // Handshake failures (a client that rejects our certificate) are expected in TLS tests.
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const scheme = options.tls ? 'https' : 'http';

  return {
    url: `${scheme}://127.0.0.1:${port}${crmPath}`,
    requests,
    setBehaviour(next) {
      behaviour = next;
    },
    async close() {
      for (const release of pendingDelays) release();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

async function readRequest(incoming: IncomingMessage): Promise<CrmRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  const rawBody = Buffer.concat(chunks).toString('utf8');
  let body: unknown = rawBody;
  try {
    body = JSON.parse(rawBody);
  } catch {
    // Not JSON: keep the text.
  }
  return {
    method: incoming.method ?? '',
    path: incoming.url ?? '',
    headers: incoming.headers,
    body,
    rawBody,
    receivedAt: new Date(),
  };
}

function delay(ms: number, pending: Set<() => void>): Promise<void> {
  return new Promise((resolve) => {
    const release = () => {
      clearTimeout(timer);
      pending.delete(release);
      resolve();
    };
    const timer = setTimeout(release, ms);
    pending.add(release);
  });
}

/** Always the same answer. */
export function answer(status: number, body?: unknown, headers?: Record<string, string>): CrmBehaviour {
  return () => ({ status, body, headers });
}

/** Answers 401 unless the request carries `Authorization: Token <token>`; otherwise defers to `inner`. */
export function requireToken(token: string, inner: CrmBehaviour): CrmBehaviour {
  return (request) =>
    request.headers.authorization === `Token ${token}`
      ? inner(request)
      : { status: 401, body: { detail: 'Invalid token.' } };
}

export interface IdempotentStore {
  behaviour: CrmBehaviour;
  /** Records applied, one per Idempotency-Key, in order. */
  applied: Array<{ key: string; body: unknown }>;
  /** How many POSTs arrived with a key already applied. */
  repeats(): number;
}

/**
 * A CRM that applies each Idempotency-Key once: the first POST with a key is stored and answered
 * 201, later ones are answered 200 and not stored. A POST without a key is refused with 400; any
 * other method gets 204 (so a connection check creates nothing).
 */
export function createIdempotentStore(): IdempotentStore {
  const applied: Array<{ key: string; body: unknown }> = [];
  const seen = new Set<string>();
  let repeats = 0;
  return {
    applied,
    repeats: () => repeats,
    behaviour(request) {
      if (request.method !== 'POST') return { status: 204, headers: { allow: 'POST, OPTIONS' } };
      const key = request.headers['idempotency-key'];
      if (typeof key !== 'string' || key === '') {
        return { status: 400, body: { error: 'Idempotency-Key header is required' } };
      }
      if (seen.has(key)) {
        repeats += 1;
        return { status: 200, body: { status: 'already applied' } };
      }
      seen.add(key);
      applied.push({ key, body: request.body });
      return { status: 201, body: { status: 'created' } };
    },
  };
}

export interface RandomFailureOptions {
  /** Same seed, same sequence of failures. */
  seed: number;
  /** Share of requests that fail, 0 to 1. */
  failureRate: number;
  /** The failures to pick from, evenly; by default 500, 503 and 429 with `Retry-After: 1`. */
  failures?: CrmReply[];
  /** What the requests that do not fail get; by default 201. */
  otherwise?: CrmBehaviour;
}

/** A flaky CRM whose failures are reproducible from a seed. */
export function failAtRandom(options: RandomFailureOptions): CrmBehaviour {
  const next = seededRandom(options.seed);
  const failures = options.failures ?? [
    { status: 500, body: { error: 'Internal Server Error' } },
    { status: 503, body: { error: 'Service Unavailable' } },
    { status: 429, body: { error: 'Too Many Requests' }, headers: { 'retry-after': '1' } },
  ];
  const otherwise = options.otherwise ?? answer(201, { status: 'created' });
  return (request) => {
    if (next() < options.failureRate) return failures[Math.floor(next() * failures.length)];
    return otherwise(request);
  };
}
