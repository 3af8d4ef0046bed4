import type { Socket } from 'node:net';
import fc from 'fast-check';
import { Cmd, encodeFrame, FrameReader } from '../../../lib/zk/codec/index.js';
import type { WriteMode } from '../../../lib/zk/simulator/options.js';
import { createRandom } from '../../../lib/zk/simulator/random.js';
import { createReplyWriter, cutAtRandom } from '../../../lib/zk/simulator/writer.js';

/** Records every write a writer makes, as a socket would receive them. */
function recordingSocket() {
  const writes: Buffer[] = [];
  const socket = {
    destroyed: false,
    writable: true,
    write(bytes: Buffer, callback: (error?: Error) => void) {
      writes.push(Buffer.from(bytes));
      callback();
      return true;
    },
  };
  return { writes, socket: socket as unknown as Socket };
}

const frames = [
  encodeFrame({ command: Cmd.PREPARE_DATA, session: 7, reply: 3, data: Buffer.alloc(8, 1) }),
  encodeFrame({ command: Cmd.DATA, session: 0, reply: 3, data: Buffer.alloc(1008, 2) }),
  encodeFrame({ command: Cmd.DATA, session: 1, reply: 3, data: Buffer.alloc(500, 3) }),
  encodeFrame({ command: Cmd.ACK_OK, session: 7, reply: 3, data: Buffer.alloc(0) }),
];

async function writesOf(mode: WriteMode, seed = 1): Promise<Buffer[]> {
  const { writes, socket } = recordingSocket();
  await createReplyWriter(socket, { mode, delayMs: 0, random: createRandom(seed) }).send(frames);
  return writes;
}

/** Where each piece starts in the whole. */
function offsets(pieces: Buffer[]): number[] {
  const starts: number[] = [];
  let offset = 0;
  for (const piece of pieces) {
    starts.push(offset);
    offset += piece.length;
  }
  return starts;
}

describe('reply writer', () => {
  it('writes each packet on its own in separate mode', async () => {
    expect(await writesOf('separate')).toEqual(frames);
  });

  it('writes the whole reply at once in coalesced mode', async () => {
    expect(await writesOf('coalesced')).toEqual([Buffer.concat(frames)]);
  });

  it('cuts the reply at seeded points, some inside frame headers, in fragmented mode', async () => {
    const writes = await writesOf('fragmented', 5);
    expect(Buffer.concat(writes)).toEqual(Buffer.concat(frames));
    expect(writes.length).toBeGreaterThan(frames.length);
    expect(await writesOf('fragmented', 5)).toEqual(writes);
    expect((await writesOf('fragmented', 6)).map((w) => w.length)).not.toEqual(writes.map((w) => w.length));
    // Over a reply of many small packets some cut must land inside a 16-byte frame header.
    const acks = Array.from({ length: 50 }, (_, reply) =>
      encodeFrame({ command: Cmd.ACK_OK, session: 7, reply, data: Buffer.alloc(0) }),
    );
    const cuts = offsets(cutAtRandom(acks, createRandom(5))).slice(1);
    expect(cuts.some((cut) => cut % 16 !== 0)).toBe(true);
  });

  it('stops writing once the socket is gone', async () => {
    const { writes, socket } = recordingSocket();
    (socket as unknown as { destroyed: boolean }).destroyed = true;
    await createReplyWriter(socket, { mode: 'separate', delayMs: 0, random: createRandom(1) }).send(frames);
    expect(writes).toEqual([]);
  });

  it('cuts any byte stream into pieces a framer reassembles', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.array(fc.uint8Array({ maxLength: 2000 }), { maxLength: 6 }),
        (seed, datas) => {
          const packets = datas.map((data, reply) =>
            encodeFrame({ command: Cmd.DATA, session: 0, reply, data: Buffer.from(data) }),
          );
          const reader = new FrameReader();
          const payloads = cutAtRandom(packets, createRandom(seed)).flatMap((piece) => reader.push(piece));
          expect(payloads.map((p) => p.subarray(8))).toEqual(datas.map((d) => Buffer.from(d)));
        },
      ),
    );
  });
});
