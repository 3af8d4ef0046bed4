/**
 * The bridge's own ZKTeco client: one queued TCP session per terminal (`ZkClient`), built from the
 * socket and framing (`connection.ts`), CONNECT/AUTH (`handshake.ts`) and the buffered read
 * (`transfer.ts`). Callers import from here.
 */
export type { ZkEvent } from './connection.js';
export type { ZkClientOptions } from './options.js';
export type { ReadProgress } from './transfer.js';
export {
  type AttendanceRead,
  type DeviceIdentity,
  type RawAttendanceLog,
  type ReadAttendanceOptions,
  type UserTableRead,
  ZkClient,
} from './zkClient.js';
