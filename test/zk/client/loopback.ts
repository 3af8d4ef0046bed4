/**
 * Tiny scripted devices on 127.0.0.1 for client tests: each test decides, request by request,
 * which bytes go back and how they are cut into TCP writes.
 */
import { createServer, type Socket } from 'node:net';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { type DecodedPacket, decodePayload, encodeFrame, FrameReader } from '../../../lib/zk/codec/index.js';

export interface DeviceLink {
  readonly socket: Socket;
  readonly requests: DecodedPacket[];
  /**
   * Writes each piece on its own and pauses (`pauseMs`, default 2; 0 = one event-loop turn), so
   * each tends to arrive as a separate read.
   */
  write(pieces: Buffer[], pauseMs?: number): Promise<void>;
  /** A frame answering `request` (its reply number unless given). */
  frame(
    request: DecodedPacket,
    command: number,
    data?: Buffer,
    fields?: { session?: number; reply?: number },
  ): Buffer;
  readonly closed: Promise<void>;
  /** True once the client's connection is gone on this side. */
  readonly isClosed: boolean;
}

export type RequestHandler = (request: DecodedPacket, link: DeviceLink) => void | Promise<void>;

export interface LoopbackDevice {
  readonly host: string;
  readonly port: number;
  readonly links: DeviceLink[];
  /** Failures inside the scripted device; a test asserts this stays empty. */
  readonly problems: string[];
  close(): Promise<void>;
}

export const SESSION_ID = 0x3c5c;

export async function startLoopbackDevice(
  handler: RequestHandler,
  options: { onConnection?: (socket: Socket) => void; pauseMs?: number } = {},
): Promise<LoopbackDevice> {
  const links: DeviceLink[] = [];
  const problems: string[] = [];
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    socket.on('error', () => {});
    let isClosed = false;
    const closed = new Promise<void>((resolve) =>
      socket.once('close', () => {
        isClosed = true;
        resolve();
      }),
    );
    if (options.onConnection) {
      options.onConnection(socket);
      // Reading is what lets this side see the client's FIN and close.
      socket.resume();
      return;
    }
    const link: DeviceLink = {
      socket,
      requests: [],
      closed,
      get isClosed() {
        return isClosed;
      },
      async write(pieces, pauseMs = options.pauseMs ?? 2) {
        for (const piece of pieces) {
          if (socket.destroyed) return;
          await new Promise<void>((resolve) => socket.write(piece, () => resolve()));
          if (pauseMs > 0) await sleep(pauseMs);
          else await nextTurn();
        }
      },
      frame(request, command, data = Buffer.alloc(0), fields = {}) {
        return encodeFrame({
          command,
          session: fields.session ?? SESSION_ID,
          reply: fields.reply ?? request.reply,
          data,
        });
      },
    };
    links.push(link);
    const reader = new FrameReader();
    let queue = Promise.resolve();
    socket.on('data', (chunk) => {
      let payloads: Buffer[];
      try {
        payloads = reader.push(chunk);
      } catch (error) {
        problems.push(`client sent bad framing: ${String(error)}`);
        socket.destroy();
        return;
      }
      for (const payload of payloads) {
        const request = decodePayload(payload);
        if (!request.checksumValid) problems.push(`client sent a bad checksum on command ${request.command}`);
        link.requests.push(request);
        queue = queue.then(async () => {
          try {
            await handler(request, link);
          } catch (error) {
            problems.push(`scripted device failed on command ${request.command}: ${String(error)}`);
          }
        });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return {
    host: '127.0.0.1',
    port: address.port,
    links,
    problems,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port with nothing listening on it. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}

/** Timers and sockets alive in this process, to show a failed client left nothing behind. */
export function liveResources(): { timers: number; sockets: number } {
  const info = process.getActiveResourcesInfo();
  return {
    timers: info.filter((kind) => kind === 'Timeout').length,
    sockets: info.filter((kind) => kind === 'TCPSocketWrap').length,
  };
}

/** Polls `condition` for up to about a second (a hang guard, not a speed requirement). */
export async function eventually(condition: () => boolean): Promise<boolean> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (condition()) return true;
    await nextTurn();
    await sleep(5);
  }
  return condition();
}

/** Waits until timers and sockets are back to `baseline`, then returns the counts. */
export async function settledResources(baseline: { timers: number; sockets: number }) {
  await eventually(() => {
    const now = liveResources();
    return now.timers <= baseline.timers && now.sockets <= baseline.sockets;
  });
  return liveResources();
}

/** Deterministic pseudo-random numbers for cut points. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x100000000;
  };
}

/** Cuts bytes into pieces of 1..maxPiece bytes. */
export function fragment(bytes: Buffer, random: () => number, maxPiece = 40): Buffer[] {
  const pieces: Buffer[] = [];
  for (let offset = 0; offset < bytes.length; ) {
    const length = 1 + Math.floor(random() * maxPiece);
    pieces.push(bytes.subarray(offset, offset + length));
    offset += length;
  }
  return pieces;
}
