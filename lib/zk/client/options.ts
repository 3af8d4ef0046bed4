import { ConfigurationError } from '../../errors.js';
import { type ConnectionOptions, deviceLabel, type ZkEvent } from './connection.js';

export interface ZkClientOptions {
  host: string;
  port: number;
  /** The device's comm key; 0 or undefined = none. */
  commKey?: number;
  /** TCP connect deadline; default 4000. */
  connectTimeoutMs?: number;
  /** Longest silence while waiting for a reply or the rest of a chunk; default 5000. */
  requestTimeoutMs?: number;
  /** What a packet with a wrong checksum does: fail the session (default) or only warn. */
  checksumMismatch?: 'reject' | 'log';
  onWarning?: (message: string) => void;
  /** Real-time events (cmd 500); they are acknowledged whether or not a handler is given. */
  onEvent?: (event: ZkEvent) => void;
  /** How long to wait for the ACK_OK closing a data chunk before going on; default 250. */
  closingAckGraceMs?: number;
  /** Reply number of CONNECT: pyzk starts at 0, node-zklib at 1; default 1. */
  firstReplyNumber?: number;
}

export interface ResolvedClientOptions {
  connection: ConnectionOptions;
  commKey: number;
  closingAckGraceMs: number;
}

/** Checks the settings before any traffic, so a typo fails with a message instead of a timeout. */
export function resolveClientOptions(options: ZkClientOptions): ResolvedClientOptions {
  const label = deviceLabel(options);
  if (!options.host) throw new ConfigurationError('a device needs a host name or IP address');
  requireInteger(options.port, 1, 65535, `${label}: the port`);
  const commKey = options.commKey ?? 0;
  requireInteger(commKey, 0, 0xffffffff, `${label}: the comm key`);
  const firstReplyNumber = options.firstReplyNumber ?? 1;
  requireInteger(firstReplyNumber, 0, 65534, `${label}: the first reply number`);
  const connectTimeoutMs = options.connectTimeoutMs ?? 4000;
  const requestTimeoutMs = options.requestTimeoutMs ?? 5000;
  const closingAckGraceMs = options.closingAckGraceMs ?? 250;
  requireInteger(connectTimeoutMs, 1, 600_000, `${label}: connectTimeoutMs`);
  requireInteger(requestTimeoutMs, 1, 600_000, `${label}: requestTimeoutMs`);
  requireInteger(closingAckGraceMs, 0, 600_000, `${label}: closingAckGraceMs`);
  return {
    commKey,
    closingAckGraceMs,
    connection: {
      host: options.host,
      port: options.port,
      connectTimeoutMs,
      requestTimeoutMs,
      checksumMismatch: options.checksumMismatch ?? 'reject',
      firstReplyNumber,
      onWarning: options.onWarning ?? (() => {}),
      onEvent: options.onEvent,
    },
  };
}

function requireInteger(value: number, min: number, max: number, what: string): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigurationError(`${what} must be a whole number from ${min} to ${max} (got ${value})`);
  }
}
