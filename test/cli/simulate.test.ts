import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dumpFileFor, run, type SimulateIo } from '../../cli/commands/simulate.js';
import { ZkClient } from '../../lib/zk/client/index.js';
import { Cmd, decodeBufferedReadReply, encodeDataRdy, encodeDataWrrq } from '../../lib/zk/codec/index.js';
import type { DeviceSimulator } from '../../lib/zk/simulator/index.js';
import { oracleView, ourView, readWithNodeZklib } from '../zk/simulator/nodeZklib.js';
import { RawPeer } from '../zk/simulator/rawPeer.js';

/** Runs `attendance-bridge simulate` in-process; `whileRunning` gets the simulators, then they are stopped. */
async function simulate(
  argv: string[],
  whileRunning: (sims: DeviceSimulator[]) => Promise<void> = async () => {},
) {
  const out: string[] = [];
  const err: string[] = [];
  let started: DeviceSimulator[] = [];
  let release: (signal: string) => void = () => {};
  const stopped = new Promise<string>((resolve) => {
    release = resolve;
  });
  const io: SimulateIo = {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    untilStopped: () => stopped,
    onStarted: (sims) => {
      started = sims;
      whileRunning(sims).then(
        () => release('SIGTERM'),
        (error) => {
          err.push(String(error));
          release('SIGTERM');
        },
      );
    },
  };
  const code = await run(argv, io);
  return { code, out: out.join('\n'), err: err.join('\n'), started };
}

/** The CMD_DATA sizes the device sends for one DATA_RDY chunk holding its whole attendance log. */
async function dataPacketSizes(sim: DeviceSimulator): Promise<number[]> {
  const raw = await RawPeer.connect(sim);
  try {
    const session = await raw.open();
    const announce = await raw.request(Cmd.DATA_WRRQ, encodeDataWrrq(Cmd.ATTLOG_RRQ, 0), {
      session,
      reply: 2,
    });
    expect(announce.command).toBe(Cmd.ACK_OK);
    const { sizeBytes } = decodeBufferedReadReply(announce.data);
    raw.send(Cmd.DATA_RDY, encodeDataRdy(0, sizeBytes), { session, reply: 3 });
    const sizes: number[] = [];
    for (let received = 0; received < sizeBytes; ) {
      const [packet] = await raw.take(1);
      if (packet.command !== Cmd.DATA) continue;
      sizes.push(packet.data.length);
      received += packet.data.length;
    }
    expect((await raw.take(1))[0].command).toBe(Cmd.ACK_OK);
    return sizes;
  } finally {
    raw.close();
  }
}

async function readAttendance(sim: DeviceSimulator) {
  const client = await ZkClient.connect({ host: sim.host, port: sim.port });
  try {
    return (await client.readAttendance()).records;
  } finally {
    await client.close();
  }
}

describe('attendance-bridge simulate', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'zk-simulate-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('runs a device clients can read, writes its ground truth, and stops cleanly', async () => {
    const file = path.join(dir, 'device.json');
    const argv = ['--port', '0', '--users', '4', '--punches', '25', '--comm-key', '77', '--seed', '3'];
    const result = await simulate([...argv, '--write-mode', 'fragmented', '--dump', file], async ([sim]) => {
      const client = await ZkClient.connect({ host: sim.host, port: sim.port, commKey: 77 });
      try {
        expect((await client.readAttendance()).records).toHaveLength(25);
      } finally {
        await client.close();
      }
    });
    expect(result).toMatchObject({ code: 0, err: '' });
    const [sim] = result.started;
    expect(result.out).toContain(`F18 simulator 0: 127.0.0.1:${sim.port}`);
    expect(result.out).toContain('4 users, 25 punches, comm key 77');
    expect(result.out).toContain('SIGTERM received');
    const dump = JSON.parse(await readFile(file, 'utf8'));
    expect(dump).toEqual(sim.dump());
    expect(dump.punches).toHaveLength(25);
    // Stopped: the port no longer accepts sessions.
    await expect(
      ZkClient.connect({ host: sim.host, port: sim.port, connectTimeoutMs: 1000 }),
    ).rejects.toThrow();
  });

  it('runs several devices with one dump file each', async () => {
    const file = path.join(dir, 'fleet.json');
    const result = await simulate([
      '--devices',
      '3',
      '--port',
      '0',
      '--punches',
      '5',
      '--users',
      '2',
      '--dump',
      file,
    ]);
    expect(result.code).toBe(0);
    expect(result.started).toHaveLength(3);
    for (const [index, sim] of result.started.entries()) {
      expect(JSON.parse(await readFile(path.join(dir, `fleet-${index}.json`), 'utf8'))).toEqual(sim.dump());
    }
    expect(new Set(result.started.map((sim) => sim.port)).size).toBe(3);
  });

  it('passes clock, record size and time zone options to the devices', async () => {
    const result = await simulate(
      ['--port', '0', '--timezone', 'Asia/Tokyo', '--clock-offset-seconds', '-3600', '--record-size', '16'],
      async ([sim]) => {
        expect(sim.clockOffsetSeconds).toBe(-3600);
        const client = await ZkClient.connect({ host: sim.host, port: sim.port });
        try {
          expect((await client.readAttendance()).recordSize).toBe(16);
        } finally {
          await client.close();
        }
      },
    );
    expect(result).toMatchObject({ code: 0, err: '' });
  });

  // 100 punches of 40 bytes and the u32 total: one DATA_RDY chunk of 4,004 bytes.
  const log = ['--port', '0', '--users', '5', '--punches', '100'];
  it.each([
    ['the default: 1008-byte packets, separate writes', [], [1008, 1008, 1008, 980]],
    [
      'one CMD_DATA, separate writes 2 ms apart',
      ['--split-data-bytes', '0', '--write-delay-ms', '2'],
      [4004],
    ],
    [
      '512-byte packets, fragmented',
      ['--split-data-bytes', '512', '--write-mode', 'fragmented'],
      [...Array(7).fill(512), 420],
    ],
    ['one CMD_DATA, coalesced', ['--split-data-bytes', '0', '--write-mode', 'coalesced'], [4004]],
  ])('serves %s, and our client reads it all', async (_, flags, sizes) => {
    const result = await simulate([...log, ...flags], async ([sim]) => {
      expect(await dataPacketSizes(sim)).toEqual(sizes);
      const records = await readAttendance(sim);
      expect(records.map((r) => r.userId)).toEqual(sim.dump().punches.map((p) => p.user_id));
    });
    expect(result).toMatchObject({ code: 0, err: '' });
  });

  it('serves separate writes with no split the way node-zklib, our oracle, reads them', async () => {
    const result = await simulate(
      [...log, '--split-data-bytes', '0', '--write-delay-ms', '1'],
      async ([sim]) => {
        const ours = await readAttendance(sim);
        const { users, attendances } = await readWithNodeZklib(sim);
        expect(attendances.err).toBeFalsy();
        expect(users.err).toBeFalsy();
        expect(ours).toHaveLength(100);
        expect(attendances.data.map(oracleView)).toEqual(ours.map(ourView));
      },
    );
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toContain('replies: each chunk in one CMD_DATA; one write per packet, 1 ms apart');
  });

  it.each([
    [[], 'CMD_DATA of at most 1008 bytes; one write per packet, 1 ms apart'],
    [
      ['--split-data-bytes', '256', '--write-mode', 'fragmented'],
      'CMD_DATA of at most 256 bytes; fragmented writes',
    ],
  ])('says how it writes its replies (%j)', async (flags, shape) => {
    const result = await simulate(['--port', '0', '--punches', '5', ...flags]);
    expect(result.out).toContain(`replies: ${shape}`);
  });

  it.each([
    [
      ['--split-data-bytes', '-1'],
      /--split-data-bytes must be 0 \(one CMD_DATA per chunk\) or a packet size from 1 to 65472 bytes, got '-1'/,
    ],
    [['--split-data-bytes', '65473'], /--split-data-bytes must be 0 .* from 1 to 65472 bytes, got '65473'/],
    [['--split-data-bytes', '1k'], /--split-data-bytes must be a whole number, got '1k'/],
    [['--write-delay-ms', '0.5'], /--write-delay-ms must be a whole number, got '0.5'/],
    [['--write-delay-ms', '10001'], /--write-delay-ms must be from 0 to 10000 milliseconds, got '10001'/],
    [
      ['--write-delay-ms', '5', '--write-mode', 'coalesced'],
      /--write-delay-ms applies to --write-mode separate only, not coalesced/,
    ],
  ])('rejects %j with its usage and exit code 2', async (argv, message) => {
    const result = await simulate(argv);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(message);
    expect(result.err).toContain('Usage: attendance-bridge simulate');
    expect(result.started).toEqual([]);
  });

  it.each([
    [['--bogus'], /Unknown option '--bogus'/],
    [['--users', 'many'], /--users must be a whole number/],
    [['--write-mode', 'bursty'], /--write-mode must be one of separate, coalesced, fragmented/],
    [['--record-size', '41'], /--record-size must be one of 40, 49, 16, 8/],
    [['--users', '-3', '--port', '0'], /users must be/],
    [['--timezone', 'Mars/Olympus', '--port', '0'], /not an IANA time zone/],
    [['--devices', '0'], /number of simulated devices/],
    [['extra'], /positional/],
  ])('rejects %j with exit code 2 and a clear message', async (argv, message) => {
    const result = await simulate(argv);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(message);
    expect(result.started).toEqual([]);
  });

  it('prints its usage for --help', async () => {
    const result = await simulate(['--help']);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/Usage: attendance-bridge simulate/);
  });

  it('documents the wire-shape flags and their defaults in its usage', async () => {
    const { out } = await simulate(['--help']);
    expect(out).toMatch(/--split-data-bytes N .*\n.*\(default 1008\); 0 = each chunk in one CMD_DATA/);
    expect(out).toMatch(/--write-delay-ms N .*separate mode \(default 1\)/);
    expect(out).toMatch(/--timezone ZONE .*\n.*devices add --timezone/);
  });

  it.each([
    ['dump.json', 0, 1, 'dump.json'],
    ['dump.json', 2, 3, 'dump-2.json'],
    ['out/truth', 1, 2, 'out/truth-1'],
  ])('names the dump of %s for device %i of %i: %s', (file, index, devices, expected) => {
    expect(dumpFileFor(file, index, devices)).toBe(expected);
  });
});
