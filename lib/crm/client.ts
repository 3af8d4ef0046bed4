import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { performance } from 'node:perf_hooks';
import got, { type Method } from 'got';
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

  // Own agents, so the private CA applies to this client only. `rejectUnauthorized` is spelled out
  // so that neither a library default nor NODE_TLS_REJECT_UNAUTHORIZED=0 can switch verification off.
  const agent = {
    http: new HttpAgent({ keepAlive: true }),
    https: new HttpsAgent({
      keepAlive: true,
      rejectUnauthorized: true,
      ...(trustedCas ? { secureContext: trustedCas } : {}),
    }),
  };

  async function exchange(method: Method, headers: Record<string, string>, body?: string): Promise<Exchange> {
    try {
      const response = await got(url, {
        method,
        headers: {
          authorization: `Token ${options.token}`,
          'user-agent': options.userAgent ?? defaultUserAgent,
          accept: 'application/json',
          ...headers,
        },
        body,
        agent,
        https: { rejectUnauthorized: true },
        http2: false,
        // The workflow owns retries and their back-off; a hidden retry here would double them.
        retry: { limit: 0 },
        throwHttpErrors: false,
        // A redirect would carry the token to another address, and a 3xx is not a delivery.
        followRedirect: false,
        timeout: { request: options.timeoutMs },
        responseType: 'text',
      });
      return { answer: { status: response.statusCode, headers: response.headers, body: response.body } };
    } catch (error) {
      return { error };
    }
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
