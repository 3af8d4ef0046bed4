import type { Socket } from 'node:net';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import type { WriteMode } from './options.js';
import type { Random } from './random.js';

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
          for (const piece of cutAtRandom(frames, options.random)) {
            if (!(await write(socket, piece))) return;
            await nextTurn();
          }
        },
      };
  }
}

/**
 * The reply cut at seeded points: inside the 16-byte header of about half the frames (where naive
 * readers break), and every 1-3000 bytes within the data; neighbouring frames may share a piece.
 */
export function cutAtRandom(frames: Buffer[], random: Random): Buffer[] {
  const whole = Buffer.concat(frames);
  const cuts = new Set<number>();
  let frameStart = 0;
  for (const frame of frames) {
    if (frame.length > 1 && random.chance(0.5))
      cuts.add(frameStart + random.int(1, Math.min(15, frame.length - 1)));
    const frameEnd = frameStart + frame.length;
    for (let at = frameStart + random.int(1, 3000); at < frameEnd; at += random.int(1, 3000)) cuts.add(at);
    frameStart = frameEnd;
  }
  const points = [
    0,
    ...[...cuts].filter((at) => at > 0 && at < whole.length).sort((a, b) => a - b),
    whole.length,
  ];
  const pieces: Buffer[] = [];
  for (let i = 1; i < points.length; i++) pieces.push(whole.subarray(points[i - 1], points[i]));
  return pieces.filter((piece) => piece.length > 0);
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
