import type { Socket } from 'node:net';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import type { Random } from './dataset-random.js';
import type { WriteMode } from './simulator-options.js';

/** Puts the frames of one reply on the wire in the configured write pattern. */
export interface ReplyWriter {
  /** Resolves once everything is handed to the OS, or the socket is gone (never rejects). */
  send(frames: Buffer[]): Promise<void>;
}

export interface ReplyWriterOptions {
  mode: WriteMode;
  /** Pause after each write in 'separate' mode. */
  delayMs: number;
  /** Decides the cut points in 'fragmented' mode. */
  random: Random;
}

export function createReplyWriter(socket: Socket, options: ReplyWriterOptions): ReplyWriter {
  switch (options.mode) {
    case 'separate':
      return {
        async send(frames) {
          // The pause also follows the last frame: a reply written right behind the previous one
          // would share its read, which is exactly what this mode promises not to do.
          for (const frame of frames) {
            if (!(await write(socket, frame))) return;
            await sleep(options.delayMs);
          }
        },
      };
    case 'coalesced':
      return {
        async send(frames) {
          await write(socket, Buffer.concat(frames));
        },
      };
    case 'fragmented':
      return {
        async send(frames) {
          for (const piece of cutAtRandom(Buffer.concat(frames), options.random)) {
            if (!(await write(socket, piece))) return;
            await nextTurn();
          }
        },
      };
  }
}

/** Pieces of 1-16 bytes a third of the time (cuts inside the 16-byte frame headers), else up to 3 KB. */
export function cutAtRandom(bytes: Buffer, random: Random): Buffer[] {
  const pieces: Buffer[] = [];
  for (let offset = 0; offset < bytes.length; ) {
    const length = random.chance(0.35) ? random.int(1, 16) : random.int(17, 3000);
    pieces.push(bytes.subarray(offset, offset + length));
    offset += length;
  }
  return pieces;
}

function write(socket: Socket, bytes: Buffer): Promise<boolean> {
  return new Promise((resolve) => {
    if (socket.destroyed || !socket.writable) {
      resolve(false);
      return;
    }
    // A failed write also emits 'error' on the socket, where the session logs it.
    socket.write(bytes, (error) => resolve(!error));
  });
}
