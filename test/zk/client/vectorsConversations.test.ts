/**
 * Replays the captured conversations against the real client over loopback TCP, writing each
 * captured chunk separately so the client sees the devices' own segmentation.
 */
import { CommKeyRefusedError } from '../../../lib/errors.js';
import { ZkClient, type ZkClientOptions } from '../../../lib/zk/client/index.js';
import {
  Cmd,
  checksum,
  commandName,
  decodeDataset,
  decodePayload,
  encodeFrame,
  FrameReader,
} from '../../../lib/zk/codec/index.js';
import {
  type ConversationCase,
  type ConversationEvent,
  casesOf,
  freeSizesFromVector,
  hex,
  userFromVector,
} from '../../fixtures/zk-captures/vectors.js';
import { type LoopbackDevice, type RequestHandler, startLoopbackDevice } from './loopback.js';

/** Requests a script may leave out; the replay answers them with a plain ACK_OK. */
const EXTRA_REQUESTS = new Set<number>([
  Cmd.DISABLE_DEVICE,
  Cmd.ENABLE_DEVICE,
  Cmd.FREE_DATA,
  Cmd.REFRESHDATA,
  Cmd.OPTIONS_WRQ,
]);

/**
 * Sets the reply number of every non-event frame in `chunks` to `reply` (fixing its checksum),
 * keeping the original cut points: spliced captures do not share one reply counter.
 */
function restamp(chunks: Buffer[], reply: number): Buffer[] {
  const bytes = Buffer.from(Buffer.concat(chunks));
  for (let offset = 0; offset + 8 <= bytes.length; ) {
    const length = bytes.readUInt32LE(offset + 4);
    const payload = bytes.subarray(offset + 8, offset + 8 + length);
    if (payload.readUInt16LE(0) !== Cmd.REG_EVENT) {
      payload.writeUInt16LE(reply, 6);
      payload.writeUInt16LE(checksum(payload), 2);
    }
    offset += 8 + length;
  }
  const pieces: Buffer[] = [];
  let start = 0;
  for (const chunk of chunks) {
    pieces.push(bytes.subarray(start, start + chunk.length));
    start += chunk.length;
  }
  return pieces;
}

const deviceFrames = (events: ConversationEvent[]) =>
  events.flatMap((e) => (e.from === 'device' ? e.chunks : [])).map(hex);

interface Replay {
  device: LoopbackDevice;
  /** Script mismatches and failures of the loopback device. */
  problems: () => string[];
  /** Steps of the script not yet played; empty once the client did everything it lists. */
  remaining: () => number;
  options: ZkClientOptions;
  warnings: string[];
}

async function startReplay(c: ConversationCase, events = c.events): Promise<Replay> {
  const [firstReply] = deviceFrames(events);
  const connectSession = firstReply.readUInt16LE(12);
  let index = 0;
  const problems: string[] = [];
  const handler: RequestHandler = async (request, link) => {
    const step = events[index];
    if (step?.from === 'client' && step.expect.command === request.command) {
      if (request.data.toString('hex') !== step.expect.dataHex) {
        problems.push(
          `${step.expect.name} carried ${request.data.toString('hex')}, not ${step.expect.dataHex}`,
        );
      }
      index++;
      const replies: Buffer[][] = [];
      for (let next = events[index]; next?.from === 'device'; next = events[++index]) {
        const chunks = next.chunks.map(hex);
        replies.push(c.replyNumbersConsistent ? chunks : restamp(chunks, request.reply));
      }
      for (const chunks of replies) await link.write(chunks);
      return;
    }
    if (EXTRA_REQUESTS.has(request.command) || (index >= events.length && request.command === Cmd.EXIT)) {
      const ack = encodeFrame({
        command: Cmd.ACK_OK,
        session: connectSession,
        reply: request.reply,
        data: Buffer.alloc(0),
      });
      await link.write([ack]);
      return;
    }
    problems.push(`unexpected ${commandName(request.command)} at step ${index} of the script`);
  };
  const device = await startLoopbackDevice(handler);
  const warnings: string[] = [];
  return {
    device,
    problems: () => [...device.problems, ...problems],
    remaining: () => events.length - index,
    warnings,
    options: {
      host: device.host,
      port: device.port,
      requestTimeoutMs: 2000,
      closingAckGraceMs: 100,
      // A consistent capture follows one counter from CONNECT on; start ours where the source did.
      firstReplyNumber: c.replyNumbersConsistent ? firstReply.readUInt16LE(14) : 1,
      onWarning: (m) => warnings.push(m),
    },
  };
}

type Driver = (c: ConversationCase, replay: Replay) => Promise<void>;

const readUsersDriver: Driver = async (c, replay) => {
  const client = await ZkClient.connect(replay.options);
  let datasetLength = -1;
  const table = await client.readUserTable({ onProgress: (p) => (datasetLength = p.totalBytes) });
  await client.close();
  const e = c.expect as Record<string, never> & ConversationCase['expect'];
  expect(client.sessionId).toBe(e.sessionId);
  expect(table.freeSizes).toEqual(freeSizesFromVector(e.freeSizes!));
  expect(datasetLength).toBe(e.datasetLength);
  expect(table.recordSize).toBe(e.userRecordSize);
  expect(table.users.length * table.recordSize).toBe(e.totalSize);
  expect(table.users).toHaveLength(e.usersCount);
  for (const [index, user] of Object.entries(e.users!)) {
    expect({ ...table.users[Number(index)], raw: undefined }).toEqual({
      ...userFromVector(user),
      raw: undefined,
    });
  }
};

const drivers: Record<string, Driver> = {
  'conv-auth-key45': async (c, replay) => {
    const client = await ZkClient.connect({ ...replay.options, commKey: c.expect.commKey as number });
    expect(client.sessionId).toBe(c.expect.sessionId);
    await client.close();
  },
  'conv-auth-key12-rejected': async (c, replay) => {
    const attempt = ZkClient.connect({ ...replay.options, commKey: c.expect.commKey as number });
    await expect(attempt).rejects.toThrow(CommKeyRefusedError);
    await expect(attempt).rejects.toThrow('refused the comm key');
  },
  'conv-users-inline': readUsersDriver,
  'conv-users-inline-k20-split': readUsersDriver,
  'conv-users-buffered-1008-split': readUsersDriver,
  'conv-template-midread-boundary': async (c, replay) => {
    const client = await ZkClient.connect(replay.options);
    const template = await client.readDirectDataset(Cmd.GET_USERTEMP, hex('0e0001'));
    await client.close();
    expect(template.length).toBe(c.expect.datasetLength);
    expect(template.subarray(0, 8).toString('hex')).toBe(c.expect.firstBytesHex);
    expect(template.subarray(-9).toString('hex')).toBe(c.expect.lastBytesHex);
  },
  'conv-k40-legacy-attlog': async (c, replay) => {
    const client = await ZkClient.connect(replay.options);
    const dataset = await client.readDirectDataset(Cmd.ATTLOG_RRQ);
    await client.close();
    expect(client.sessionId).toBe(c.expect.sessionId);
    expect(dataset.length).toBe(c.expect.datasetLength);
    expect(decodeDataset(dataset).totalBytes).toBe(c.expect.totalSize);
    expect(dataset.subarray(0, 8).toString('hex')).toBe(c.expect.dataFirstBytesHex);
  },
};

describe('captured conversations replayed against ZkClient', () => {
  const conversations = casesOf('conversation');

  it('has a driver for every conversation', () => {
    expect(conversations.map((c) => c.id).sort()).toEqual(Object.keys(drivers).sort());
  });

  it.each(conversations.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
    const replay = await startReplay(c);
    try {
      await drivers[c.id](c, replay);
      expect(replay.remaining()).toBe(0);
      expect(replay.problems()).toEqual([]);
    } finally {
      await replay.device.close();
    }
  });

  it('conv-k40-legacy-attlog in the published order: the late closing ACK is dropped as stale', async () => {
    const c = conversations.find((x) => x.id === 'conv-k40-legacy-attlog')!;
    // Move the trailing ACK_OK (reply 2) from the data reply to just before the EXIT reply.
    const events = structuredClone(c.events);
    const data = events[3] as Extract<ConversationEvent, { from: 'device' }>;
    const exitReply = events[5] as Extract<ConversationEvent, { from: 'device' }>;
    const trailing = data.chunks.pop()!;
    exitReply.chunks.unshift(trailing);
    const replay = await startReplay(c, events);
    try {
      await drivers[c.id](c, replay);
      expect(replay.remaining()).toBe(0);
      expect(replay.problems()).toEqual([]);
      expect(replay.warnings).toEqual([
        expect.stringContaining('dropped a stale CMD_ACK_OK (reply number 2)'),
      ]);
    } finally {
      await replay.device.close();
    }
  });

  it('restamping keeps the chunk boundaries and fixes the checksums', () => {
    const c = conversations.find((x) => x.id === 'conv-users-buffered-1008-split')!;
    const event = c.events[7] as Extract<ConversationEvent, { from: 'device' }>;
    const chunks = event.chunks.map(hex);
    const stamped = restamp(chunks, 4711);
    expect(stamped.map((s) => s.length)).toEqual(chunks.map((s) => s.length));
    const frames = (pieces: Buffer[]) => {
      const reader = new FrameReader();
      return pieces.flatMap((piece) => reader.push(piece)).map(decodePayload);
    };
    const before = frames(chunks);
    const after = frames(stamped);
    expect(after).toHaveLength(8);
    expect(after.map((f) => [f.reply, f.checksumValid])).toEqual(after.map(() => [4711, true]));
    expect(after.map((f) => [f.command, f.session, f.data])).toEqual(
      before.map((f) => [f.command, f.session, f.data]),
    );
  });
});
