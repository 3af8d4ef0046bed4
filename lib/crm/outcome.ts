import { STATUS_CODES } from 'node:http';
import { CrmRejectedError, CrmTransientError } from '../errors.js';
import type { Redactor } from './redaction.js';
import { parseRetryAfterMs } from './retryAfter.js';

/** What became of one delivery (one POST of one record revision). */
export type DeliveryOutcome =
  | { kind: 'delivered'; status: number; durationMs: number }
  | {
      kind: 'transient';
      status: number | null;
      error: string;
      retryAfterMs: number | null;
      durationMs: number;
    }
  | { kind: 'rejected'; status: number; error: string; bodyExcerpt: string; durationMs: number };

/** An HTTP answer from the CRM, whatever its status. */
export interface CrmAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface ClassificationContext {
  /** The CRM URL safe to show (see `displayUrl`). */
  where: string;
  redact: Redactor;
  timeoutMs: number;
  nowMs: number;
  durationMs: number;
}

export const bodyExcerptMaxChars = 500;
const messageExcerptMaxChars = 200;

// The original bridge counted only these as success; a 204 or a redirect does not prove the
// record was stored.
const deliveredStatuses = new Set([200, 201]);

export function classifyAnswer(answer: CrmAnswer, context: ClassificationContext): DeliveryOutcome {
  const { status } = answer;
  const { where, durationMs } = context;
  if (deliveredStatuses.has(status)) return { kind: 'delivered', status, durationMs };

  const bodyExcerpt = context.redact(answer.body).slice(0, bodyExcerptMaxChars);
  const said = `${statusLine(status)}: ${oneLine(bodyExcerpt)}`;

  if (status === 408 || status === 429 || (status >= 500 && status <= 599)) {
    const retryAfterMs = parseRetryAfterMs(answer.headers['retry-after'], context.nowMs);
    const wait = retryAfterMs === null ? '' : ` (it asks to wait ${retryAfterMs} ms)`;
    return {
      kind: 'transient',
      status,
      error: `CRM at ${where} answered ${said}${wait}`,
      retryAfterMs,
      durationMs,
    };
  }

  return {
    kind: 'rejected',
    status,
    error: rejectionMessage(answer, context, said),
    bodyExcerpt,
    durationMs,
  };
}

function rejectionMessage(answer: CrmAnswer, context: ClassificationContext, said: string): string {
  const { status } = answer;
  const { where } = context;
  if (status >= 200 && status <= 299) {
    return `CRM at ${where} answered ${said}; only 200 or 201 confirm that the record was stored`;
  }
  if (status >= 300 && status <= 399) {
    const location = answer.headers['location'];
    const target = typeof location === 'string' ? ` to ${safeLocation(location, where, context.redact)}` : '';
    // Following it would resend the token to wherever the redirect points.
    return (
      `CRM at ${where} answered ${statusLine(status)}, redirecting${target}; redirects are not followed, ` +
      `set CRM_API_URL to the final address`
    );
  }
  if (status === 401 || status === 403) {
    return `CRM at ${where} refused the credentials with ${said}; check CRM_API_TOKEN`;
  }
  if (status === 404 || status === 405) {
    return `CRM at ${where} answered ${said}; check CRM_API_URL`;
  }
  if (status >= 400 && status <= 499) return `CRM at ${where} rejected the record with ${said}`;
  return `CRM at ${where} answered an unexpected ${said}`;
}

function safeLocation(location: string, where: string, redact: Redactor): string {
  try {
    const url = new URL(location, where);
    return redact(`${url.protocol}//${url.host}${url.pathname}${url.search ? '?…' : ''}`);
  } catch {
    return 'an unreadable address';
  }
}

// Codes OpenSSL and Node give when the server's certificate cannot be trusted.
const certificateErrorCodes = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REVOKED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_REJECTED',
  'INVALID_CA',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

const connectionResetCodes = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);
const nameResolutionCodes = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME']);
const unreachableCodes = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'EADDRNOTAVAIL']);

/**
 * A request that got no HTTP answer: network, DNS, TLS or timeout. All of these may clear up by
 * themselves (a certificate gets renewed, a CRM restarts), so all are transient.
 *
 * The message is built here from the error code: errors from the HTTP library carry the request
 * options, headers (and so the token) included, and must not be shown as they are.
 */
export function classifyFailure(error: unknown, context: ClassificationContext): DeliveryOutcome {
  return {
    kind: 'transient',
    status: null,
    error: describeFailure(error, context),
    retryAfterMs: null,
    durationMs: context.durationMs,
  };
}

export function describeFailure(error: unknown, context: ClassificationContext): string {
  const { where, redact } = context;
  const code = errorCode(error);
  const reason = redact(oneLine(errorMessage(error), 'no details'));
  if (code === 'ETIMEDOUT') return `CRM at ${where} did not answer within ${context.timeoutMs} ms`;
  if (code === 'ECONNREFUSED') {
    return `CRM at ${where} refused the connection (ECONNREFUSED); is it running, and is CRM_API_URL right?`;
  }
  if (connectionResetCodes.has(code)) {
    return `the connection to the CRM at ${where} broke before it answered (${code}: ${reason})`;
  }
  if (nameResolutionCodes.has(code)) {
    return `the CRM host in ${where} could not be resolved (${code}); check CRM_API_URL and DNS`;
  }
  if (unreachableCodes.has(code)) return `CRM at ${where} is unreachable (${code})`;
  if (certificateErrorCodes.has(code)) {
    return (
      `CRM at ${where} presented a certificate that failed verification (${code}: ${reason}); ` +
      `if the CRM uses a private CA, set CRM_CA_FILE to that CA's PEM file`
    );
  }
  if (code === 'EPROTO' || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) {
    return (
      `the TLS handshake with the CRM at ${where} failed (${code}: ${openSslReason(reason)}); ` +
      `check that the server at CRM_API_URL speaks HTTPS`
    );
  }
  return `the request to the CRM at ${where} failed (${code || 'no error code'}: ${reason})`;
}

// OpenSSL reports "<hex>:error:<hex>:SSL routines:<function>:<reason>:<source file>:<line>:"; the
// reason is the part a person can use.
function openSslReason(message: string): string {
  return /SSL routines:[^:]*:([^:]+)/.exec(message)?.[1] ?? message;
}

// Read as a property, not by `instanceof Error`: node's own errors come from another realm where
// code runs in a VM context (as under jest), and would otherwise read "Error: …".
function errorMessage(error: unknown): string {
  if (
    typeof error === 'object' &&
    error !== null &&
    'message' in error &&
    typeof error.message === 'string'
  ) {
    return error.message;
  }
  return String(error);
}

function errorCode(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return '';
}

function statusLine(status: number): string {
  const phrase = STATUS_CODES[status];
  return phrase ? `${status} ${phrase}` : String(status);
}

function oneLine(text: string, whenEmpty = '(empty body)'): string {
  const collapsed = text.replace(/\s+/g, ' ').trim();
  if (collapsed === '') return whenEmpty;
  return collapsed.length > messageExcerptMaxChars
    ? `${collapsed.slice(0, messageExcerptMaxChars)}…`
    : collapsed;
}

/** The error a failed delivery stands for, for code that works with thrown errors; null if delivered. */
export function outcomeToError(outcome: DeliveryOutcome): CrmTransientError | CrmRejectedError | null {
  switch (outcome.kind) {
    case 'delivered':
      return null;
    case 'transient':
      return new CrmTransientError(outcome.error, {
        ...(outcome.status === null ? {} : { status: outcome.status }),
        ...(outcome.retryAfterMs === null ? {} : { retryAfterMs: outcome.retryAfterMs }),
      });
    case 'rejected':
      return new CrmRejectedError(outcome.error, {
        status: outcome.status,
        bodyExcerpt: outcome.bodyExcerpt,
      });
  }
}
