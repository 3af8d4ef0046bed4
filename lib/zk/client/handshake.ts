import {
  CommKeyRefusedError,
  DeviceBusyError,
  DeviceProtocolError,
  DeviceUnreachableError,
} from '../../errors.js';
import { Cmd, commandName, type DecodedPacket, makeCommKey } from '../codec/index.js';
import type { ZkConnection } from './connection.js';

const NO_DATA = Buffer.alloc(0);

/**
 * CONNECT, then AUTH when the device answers ACK_UNAUTH (PROTOCOL.md §6). Leaves the device's
 * session id on the connection.
 */
export async function handshake(connection: ZkConnection, commKey: number): Promise<void> {
  const label = connection.label;
  let reply: DecodedPacket;
  try {
    reply = await connection.send(Cmd.CONNECT, NO_DATA, 'opening a session (CMD_CONNECT)').next();
  } catch (error) {
    // Accepting TCP and hanging up at once is how a terminal turns away a second session.
    if (error instanceof DeviceUnreachableError && connection.closedByPeer) {
      throw new DeviceBusyError(
        `${label} closed the connection before answering CMD_CONNECT; another program may hold its session`,
        { cause: error },
      );
    }
    throw error;
  }
  // Both ACK_OK and ACK_UNAUTH carry the session id to use from now on.
  connection.sessionId = reply.session;
  if (reply.command === Cmd.ACK_OK) return;
  if (reply.command !== Cmd.ACK_UNAUTH) {
    throw new DeviceProtocolError(`${label} answered CMD_CONNECT with ${commandName(reply.command)}`);
  }
  if (!commKey) {
    throw new CommKeyRefusedError(`${label} requires a comm key and none is configured for it`);
  }
  const authReply = await connection
    .send(Cmd.AUTH, makeCommKey(commKey, reply.session), 'sending the comm key (CMD_AUTH)')
    .next();
  if (authReply.command === Cmd.ACK_OK) return;
  if (authReply.command === Cmd.ACK_UNAUTH) {
    throw new CommKeyRefusedError(`${label} refused the comm key`);
  }
  throw new DeviceProtocolError(`${label} answered CMD_AUTH with ${commandName(authReply.command)}`);
}
