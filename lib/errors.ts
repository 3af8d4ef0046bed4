/**
 * The bridge's error vocabulary. Every error a person may see is one of these: it carries a
 * failure type (the name Temporal retry policies and the API refer to), whether trying again can
 * help, and a message that says what failed and where.
 *
 * Nothing here imports Temporal: `activities/failures.ts` turns these into Temporal failures.
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

/**
 * Each error class says, once and on the class, which failure type it carries and whether trying
 * again can help; every instance and the retry policies' non-retryable list read it from there.
 */
export interface BridgeErrorClass {
  readonly type: FailureType;
  readonly retryable: boolean;
}

export abstract class BridgeError extends Error {
  readonly type: FailureType;
  readonly retryable: boolean;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    // Every concrete class declares both statics; `errorClasses` below checks it for each type.
    const errorClass = new.target as unknown as BridgeErrorClass;
    this.type = errorClass.type;
    this.retryable = errorClass.retryable;
  }
}

export class ConfigurationError extends BridgeError {
  static readonly type = FailureType.Configuration;
  static readonly retryable = false;
}

export class DeviceUnreachableError extends BridgeError {
  static readonly type = FailureType.DeviceUnreachable;
  static readonly retryable = true;
}

export class DeviceTimeoutError extends BridgeError {
  static readonly type = FailureType.DeviceTimeout;
  static readonly retryable = true;
}

export class CommKeyRefusedError extends BridgeError {
  static readonly type = FailureType.CommKeyRefused;
  static readonly retryable = false;
}

export class DeviceProtocolError extends BridgeError {
  static readonly type = FailureType.DeviceProtocol;
  static readonly retryable = false;
}

export class DeviceBusyError extends BridgeError {
  static readonly type = FailureType.DeviceBusy;
  static readonly retryable = true;
}

export class InvalidRecordError extends BridgeError {
  static readonly type = FailureType.InvalidRecord;
  static readonly retryable = false;
}

export class CrmTransientError extends BridgeError {
  static readonly type = FailureType.CrmTransient;
  static readonly retryable = true;

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
}

export class ServiceUnavailableError extends BridgeError {
  static readonly type = FailureType.ServiceUnavailable;
  static readonly retryable = true;
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
