import type { Sql } from '../db/connection.js';
import { findDevice } from '../db/devices.js';
import { type PushCommandRow, queueCommand } from '../db/pushCommands.js';
import { type CommandRequest, commandText } from './commands.js';

export type QueueResult =
  | { ok: true; command: PushCommandRow }
  | { ok: false; reason: 'not-found' | 'pull'; message: string };

/** Queues a command for a push device; it goes out on the device's next getrequest. */
export async function queuePushCommand(
  sql: Sql,
  deviceId: number,
  request: CommandRequest,
): Promise<QueueResult> {
  const device = await findDevice(sql, deviceId);
  if (!device) return { ok: false, reason: 'not-found', message: `No device ${deviceId}.` };
  if (device.transport !== 'push') {
    return {
      ok: false,
      reason: 'pull',
      message: `Device ${device.id} is a pull device; commands are for push devices`,
    };
  }
  return { ok: true, command: await queueCommand(sql, device.id, commandText(request)) };
}
