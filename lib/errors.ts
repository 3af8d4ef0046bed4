/**
 * The bridge's error vocabulary. Every error a person may see is one of these: it carries a
 * failure type (the name Temporal retry policies and the API refer to), whether trying again can
 * help, the HTTP status the API answers with when it ends a request, and a message that says what
 * failed and where.
 *
 * Nothing here imports Temporal: `activities/failures.ts` turns these into Temporal failures, and
 * the API's failure handler (`api/common/failures.ts`) answers with `httpStatus`.
 */

export const FailureType = {
  /** Invalid settings or arguments; fixing them needs a person. */
  Configuration: 'ConfigurationError',
  /** TCP connect refused, host unreachable, connection reset: the device may come back. */
  DeviceUnreachable: 'DeviceUnreachableError',
  /** The device accepted the connection but did not answer in time. */
  DeviceTimeout: 'DeviceTimeoutError',
  /** The device refused the comm key; retrying with the same key cannot succeed. */
  CommKeyRefused: 'CommKeyRefusedError',
  /** The device sent bytes that break the protocol, or answered ACK_ERROR to a required command. */
  DeviceProtocol: 'DeviceProtocolError',
  /** The device is serving another session. */
  DeviceBusy: 'DeviceBusyError',
  /** A record in the device's log or an import file could not be decoded. */
  InvalidRecord: 'InvalidRecordError',
  /** The CRM could not take the record now (network, timeout, 408, 429, 5xx). */
  CrmTransient: 'CrmTransientError',
  /** The CRM refused the record (any other 4xx); sending it again unchanged cannot help. */
  CrmRejected: 'CrmRejectedError',
  /** A referenced row does not exist (a deleted device, an unknown record). */
  NotFound: 'NotFoundError',
  /** PostgreSQL or Temporal could not be reached. */
  ServiceUnavailable: 'ServiceUnavailableError',
} as const;

export type FailureType = (typeof FailureType)[keyof typeof FailureType];

/** The statuses the API answers our errors with (500 for ours that are the bridge's own fault). */
export type ErrorHttpStatus = 404 | 500 | 502 | 503;

/**
 * Each error class says, once and on the class, which failure type it carries, whether trying
 * again can help and the HTTP status of a request it ends; every instance, the retry policies'
 * non-retryable list and the API's answers read it from there.
 */
export interface BridgeErrorClass {
  readonly type: FailureType;
  readonly retryable: boolean;
  readonly httpStatus: ErrorHttpStatus;
}

export abstract class BridgeError extends Error {
  readonly type: FailureType;
  readonly retryable: boolean;
  readonly httpStatus: ErrorHttpStatus;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    // Every concrete class declares the statics; `errorClasses` below checks it for each type.
    const errorClass = new.target as unknown as BridgeErrorClass;
    this.type = errorClass.type;
    this.retryable = errorClass.retryable;
    this.httpStatus = errorClass.httpStatus;
  }
}

export class ConfigurationError extends BridgeError {
  static readonly type = FailureType.Configuration;
  static readonly retryable = false;
  static readonly httpStatus = 500;
}

export class DeviceUnreachableError extends BridgeError {
  static readonly type = FailureType.DeviceUnreachable;
  static readonly retryable = true;
  static readonly httpStatus = 503;
}

export class DeviceTimeoutError extends BridgeError {
  static readonly type = FailureType.DeviceTimeout;
  static readonly retryable = true;
  static readonly httpStatus = 503;
}

export class CommKeyRefusedError extends BridgeError {
  static readonly type = FailureType.CommKeyRefused;
  static readonly retryable = false;
  static readonly httpStatus = 502;
}

export class DeviceProtocolError extends BridgeError {
  static readonly type = FailureType.DeviceProtocol;
  static readonly retryable = false;
  static readonly httpStatus = 502;
}

export class DeviceBusyError extends BridgeError {
  static readonly type = FailureType.DeviceBusy;
  static readonly retryable = true;
  static readonly httpStatus = 503;
}

export class InvalidRecordError extends BridgeError {
  static readonly type = FailureType.InvalidRecord;
  static readonly retryable = false;
  static readonly httpStatus = 502;
}

export class CrmTransientError extends BridgeError {
  static readonly type = FailureType.CrmTransient;
  static readonly retryable = true;
  static readonly httpStatus = 503;

  constructor(
    message: string,
    readonly details: { status?: number; retryAfterMs?: number } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class CrmRejectedError extends BridgeError {
  static readonly type = FailureType.CrmRejected;
  static readonly retryable = false;
  static readonly httpStatus = 502;

  constructor(
    message: string,
    readonly details: { status: number; bodyExcerpt: string },
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class NotFoundError extends BridgeError {
  static readonly type = FailureType.NotFound;
  static readonly retryable = false;
  static readonly httpStatus = 404;
}

export class ServiceUnavailableError extends BridgeError {
  static readonly type = FailureType.ServiceUnavailable;
  static readonly retryable = true;
  static readonly httpStatus = 503;
}

/** The error class of each failure type: the table the retry policies are computed from. */
export const errorClasses = {
  [FailureType.Configuration]: ConfigurationError,
  [FailureType.DeviceUnreachable]: DeviceUnreachableError,
  [FailureType.DeviceTimeout]: DeviceTimeoutError,
  [FailureType.CommKeyRefused]: CommKeyRefusedError,
  [FailureType.DeviceProtocol]: DeviceProtocolError,
  [FailureType.DeviceBusy]: DeviceBusyError,
  [FailureType.InvalidRecord]: InvalidRecordError,
  [FailureType.CrmTransient]: CrmTransientError,
  [FailureType.CrmRejected]: CrmRejectedError,
  [FailureType.NotFound]: NotFoundError,
  [FailureType.ServiceUnavailable]: ServiceUnavailableError,
} satisfies Record<FailureType, BridgeErrorClass>;

/** Failure types a retry policy must never retry: those whose class says trying again cannot help. */
export const nonRetryableFailureTypes: FailureType[] = Object.values(errorClasses)
  .filter((errorClass) => !errorClass.retryable)
  .map((errorClass) => errorClass.type);

/** A short, safe description of any thrown value, for logs and status columns. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Socket errors: a connection that could not be opened, or broke. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** postgres.js's own codes for a connection that closed, was ended, or did not open in time. */
const POSTGRES_CONNECTION_CODES = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
]);

/**
 * SQLSTATEs of a server that cannot serve now: class 08 (connection exception), shutting down
 * (57P01 admin, 57P02 crash), starting up or in recovery (57P03), out of connections (53300).
 */
const POSTGRES_UNAVAILABLE_STATES = /^(08...|57P0[123]|53300)$/;

/** gRPC status codes (Temporal's transport): the server is down or did not answer in time. */
const GRPC_UNAVAILABLE = 14;
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_CODE_NAMES: Record<number, string> = { 4: 'DEADLINE_EXCEEDED', 14: 'UNAVAILABLE' };

type Coded = { name?: unknown; message?: unknown; code?: unknown; details?: unknown; metadata?: unknown };

/** A lost or refused connection to PostgreSQL or Temporal, said so; null for any other error. */
function asOutage(error: Coded): ServiceUnavailableError | null {
  const { code } = error;
  // gRPC errors carry a numeric status, its details and metadata.
  if (typeof code === 'number' && typeof error.details === 'string' && error.metadata !== undefined) {
    if (code !== GRPC_UNAVAILABLE && code !== GRPC_DEADLINE_EXCEEDED) return null;
    const details = error.details.replace(/\s*Resolution note:\s*$/, '');
    return new ServiceUnavailableError(`Temporal is not reachable (${GRPC_CODE_NAMES[code]}: ${details})`, {
      cause: error,
    });
  }
  if (typeof code !== 'string') return null;
  const serverUnavailable = error.name === 'PostgresError' && POSTGRES_UNAVAILABLE_STATES.test(code);
  if (NETWORK_CODES.has(code) || POSTGRES_CONNECTION_CODES.has(code) || serverUnavailable) {
    return new ServiceUnavailableError(`PostgreSQL is not reachable (${String(error.message)})`, {
      cause: error,
    });
  }
  return null;
}

/**
 * Our error for anything thrown, looking through its causes (the Temporal SDK wraps the gRPC error
 * it got): a BridgeError as it is; a lost connection to PostgreSQL (postgres.js) or Temporal (gRPC)
 * as a ServiceUnavailableError; null for anything else, which is a bug. A bare socket error counts
 * as PostgreSQL's: device and CRM clients turn their own into our errors where they happen.
 */
export function toBridgeError(error: unknown): BridgeError | null {
  // Duck-typed, not `instanceof Error`: socket errors may come from another realm (a test's VM).
  let link: unknown = error;
  for (let depth = 0; typeof link === 'object' && link !== null && depth < 8; depth++) {
    if (link instanceof BridgeError) return link;
    const outage = asOutage(link);
    if (outage) return outage;
    link = (link as { cause?: unknown }).cause;
  }
  return null;
}
