import {
  type ClientRequest,
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingMessage,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { performance } from 'node:perf_hooks';
import { ConfigurationError, InvalidRecordError } from '../errors.js';
import { type ConnectionCheck, judgeConnectionAnswer } from './connectionCheck.js';
import {
  type ClassificationContext,
  type CrmAnswer,
  classifyAnswer,
  classifyFailure,
  type DeliveryOutcome,
  describeFailure,
} from './outcome.js';
import type { CrmPayload } from './payload.js';
import { createRedactor, crmSecrets, displayUrl } from './redaction.js';
import { loadTrustedCas } from './trustedCas.js';

export type { ConnectionCheck } from './connectionCheck.js';
export { type DeliveryOutcome, outcomeToError } from './outcome.js';

export interface CrmClientOptions {
  /** `CRM_API_URL`: the endpoint records are POSTed to. */
  url: string;
  /** `CRM_API_TOKEN`, sent as `Authorization: Token <token>`. */
  token: string;
  /** Limit for one whole request: connecting, TLS, sending, and reading the answer. */
  timeoutMs: number;
  /** `CRM_CA_FILE`: PEM file of a private CA trusted in addition to the public roots. */
  caFile?: string | null;
  userAgent?: string;
}

export interface CrmClient {
  /** POSTs one record revision. Every HTTP answer, timeout and network failure is an outcome. */
  deliver(payload: CrmPayload, idempotencyKey: string): Promise<DeliveryOutcome>;
  /** Sends OPTIONS to the URL (creates nothing) to prove reachability, TLS and credentials. */
  checkConnection(): Promise<ConnectionCheck>;
}

const defaultUserAgent = 'attendance-bridge';
const headerSafeValue = /^[\x21-\x7e]{1,255}$/;

type Exchange = { answer: CrmAnswer; error?: undefined } | { answer?: undefined; error: unknown };

/**
 * How much of an answer's body is kept. Only an excerpt of it is ever shown or stored (500
 * characters, see `bodyExcerptMaxChars`), so a few hundred KB is plenty; a CRM that answers with an
 * endless or huge body costs this much memory and no more.
 */
const maxBufferedBodyBytes = 256 * 1024;

export function createCrmClient(options: CrmClientOptions): CrmClient {
  const url = parseCrmUrl(options.url);
  checkToken(options.token);
  if (!Number.isFinite(options.timeoutMs) || options.timeoutMs <= 0) {
    throw new ConfigurationError(
      `CRM_REQUEST_TIMEOUT must be a positive duration, got ${options.timeoutMs} ms`,
    );
  }
  const trustedCas = loadTrustedCas(options.caFile);
  const where = displayUrl(url);
  const redact = createRedactor(crmSecrets(url, options.token));

  // An own agent, so the private CA applies to this client only; it keeps connections alive
  // between deliveries. `rejectUnauthorized` is spelled out so that NODE_TLS_REJECT_UNAUTHORIZED=0
  // cannot switch verification off.
  const isHttps = url.protocol === 'https:';
  const send = isHttps ? httpsRequest : httpRequest;
  const agent = isHttps
    ? new HttpsAgent({
        keepAlive: true,
        rejectUnauthorized: true,
        ...(trustedCas ? { secureContext: trustedCas } : {}),
      })
    : new HttpAgent({ keepAlive: true });
  const fixedHeaders = {
    authorization: `Token ${options.token}`,
    'user-agent': options.userAgent ?? defaultUserAgent,
    accept: 'application/json',
  };

  /**
   * One request and its answer, never thrown: node's own client, no redirects (a 3xx is an
   * answer), no retries (the workflow owns them and their back-off). Whatever ends the exchange,
   * the socket goes back to the pool only after a complete answer; on a timeout, a cap or an
   * error it is destroyed, so a late answer can never be read as the next request's.
   */
  function exchange(method: 'POST' | 'OPTIONS', headers: Record<string, string>, body?: string) {
    return new Promise<Exchange>((resolve) => {
      let request: ClientRequest | undefined;
      let response: IncomingMessage | undefined;
      let settled = false;
      const settle = (result: Exchange) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(result);
      };
      const fail = (error: unknown) => {
        settle({ error });
        // Both, so neither the request's socket nor a half-read answer lingers.
        response?.destroy();
        request?.destroy();
      };
      // One limit for the whole exchange: connecting, TLS, sending and reading the whole answer.
      // A per-socket idle timeout would let a CRM that drips its answer hold a delivery forever.
      const timer = setTimeout(() => fail(timeoutError(options.timeoutMs)), options.timeoutMs);

      try {
        request = send(url, {
          method,
          agent,
          // As on the agent: TLS reads NODE_TLS_REJECT_UNAUTHORIZED only where this is left unset.
          rejectUnauthorized: true,
          headers: {
            ...fixedHeaders,
            ...headers,
            ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }),
          },
        });
      } catch (error) {
        fail(error);
        return;
      }
      request.on('error', fail);
      request.on('response', (incoming) => {
        response = incoming;
        const chunks: Buffer[] = [];
        let buffered = 0;
        incoming.on('data', (chunk: Buffer) => {
          if (settled) return;
          chunks.push(chunk);
          buffered += chunk.length;
          if (buffered >= maxBufferedBodyBytes) {
            // Enough to show: stop reading and close the connection rather than drain the rest.
            settle({ answer: answerOf(incoming, chunks, maxBufferedBodyBytes) });
            incoming.destroy();
            request?.destroy();
          }
        });
        incoming.on('end', () => settle({ answer: answerOf(incoming, chunks, buffered) }));
        // A connection lost mid-answer: node reports ECONNRESET ("aborted").
        incoming.on('error', fail);
        incoming.on('close', () => {
          if (!incoming.complete) fail(connectionResetError());
        });
      });
      request.end(body);
    });
  }

  function context(startedMs: number): ClassificationContext {
    return {
      where,
      redact,
      timeoutMs: options.timeoutMs,
      nowMs: Date.now(),
      durationMs: Math.round(performance.now() - startedMs),
    };
  }

  return {
    async deliver(payload, idempotencyKey) {
      if (!headerSafeValue.test(idempotencyKey)) {
        throw new InvalidRecordError(
          `idempotency key for user ${payload.user_id} on ${payload.date} must be 1 to 255 visible ASCII characters`,
        );
      }
      const startedMs = performance.now();
      const result = await exchange(
        'POST',
        { 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
        JSON.stringify(payload),
      );
      return result.answer
        ? classifyAnswer(result.answer, context(startedMs))
        : classifyFailure(result.error, context(startedMs));
    },

    async checkConnection() {
      const startedMs = performance.now();
      const result = await exchange('OPTIONS', {});
      const ctx = context(startedMs);
      if (result.answer) return judgeConnectionAnswer(result.answer, where, ctx.durationMs);
      return {
        ok: false,
        status: null,
        error: describeFailure(result.error, ctx),
        durationMs: ctx.durationMs,
      };
    },
  };
}

function parseCrmUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // The value is not echoed: it may hold a password or an API key.
    throw new ConfigurationError(
      'CRM_API_URL is not a valid URL; expected e.g. https://crm.example.com/api/attendance/',
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigurationError(`CRM_API_URL must start with https:// or http://, not ${url.protocol}//`);
  }
  if (url.username || url.password) {
    // The HTTP library would turn them into `Authorization: Basic`, replacing the token.
    throw new ConfigurationError(
      'CRM_API_URL must not hold a user name or password; the CRM is authenticated with CRM_API_TOKEN',
    );
  }
  return url;
}

function checkToken(token: string): void {
  if (token.trim() === '') throw new ConfigurationError('CRM_API_TOKEN is empty; the CRM needs a token');
  // Control characters would break the header (or smuggle another one); the token is never echoed.
  if (!/^[\x20-\x7e]+$/.test(token)) {
    throw new ConfigurationError('CRM_API_TOKEN holds characters a header cannot carry (e.g. a newline)');
  }
}

function answerOf(incoming: IncomingMessage, chunks: Buffer[], bytes: number): CrmAnswer {
  // A cut through a multi-byte character at the cap reads as U+FFFD; the excerpt ends long before.
  const body = Buffer.concat(chunks).toString('utf8', 0, bytes);
  return { status: incoming.statusCode ?? 0, headers: incoming.headers, body };
}

/** The code `describeFailure` reads as "did not answer in time"; the message names no header. */
function timeoutError(timeoutMs: number): NodeJS.ErrnoException {
  return Object.assign(new Error(`no complete answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' });
}

function connectionResetError(): NodeJS.ErrnoException {
  return Object.assign(new Error('the connection closed before the answer was complete'), {
    code: 'ECONNRESET',
  });
}
