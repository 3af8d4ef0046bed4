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

export abstract class BridgeError extends Error {
  abstract readonly type: FailureType;
  abstract readonly retryable: boolean;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class ConfigurationError extends BridgeError {
  readonly type = FailureType.Configuration;
  readonly retryable = false;
}

export class DeviceUnreachableError extends BridgeError {
  readonly type = FailureType.DeviceUnreachable;
  readonly retryable = true;
}

export class DeviceTimeoutError extends BridgeError {
  readonly type = FailureType.DeviceTimeout;
  readonly retryable = true;
}

export class CommKeyRefusedError extends BridgeError {
  readonly type = FailureType.CommKeyRefused;
  readonly retryable = false;
}

export class DeviceProtocolError extends BridgeError {
  readonly type = FailureType.DeviceProtocol;
  readonly retryable = false;
}

export class DeviceBusyError extends BridgeError {
  readonly type = FailureType.DeviceBusy;
  readonly retryable = true;
}

export class InvalidRecordError extends BridgeError {
  readonly type = FailureType.InvalidRecord;
  readonly retryable = false;
}

export class CrmTransientError extends BridgeError {
  readonly type = FailureType.CrmTransient;
  readonly retryable = true;

  constructor(
    message: string,
    readonly details: { status?: number; retryAfterMs?: number } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class CrmRejectedError extends BridgeError {
  readonly type = FailureType.CrmRejected;
  readonly retryable = false;

  constructor(
    message: string,
    readonly details: { status: number; bodyExcerpt: string },
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class NotFoundError extends BridgeError {
  readonly type = FailureType.NotFound;
  readonly retryable = false;
}

export class ServiceUnavailableError extends BridgeError {
  readonly type = FailureType.ServiceUnavailable;
  readonly retryable = true;
}

/** Failure types a retry policy must never retry. */
export const nonRetryableFailureTypes: FailureType[] = [
  FailureType.Configuration,
  FailureType.CommKeyRefused,
  FailureType.DeviceProtocol,
  FailureType.InvalidRecord,
  FailureType.CrmRejected,
  FailureType.NotFound,
];

/** A short, safe description of any thrown value, for logs and status columns. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
