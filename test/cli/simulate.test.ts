import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dumpFileFor, run, type SimulateIo } from '../../cli/commands/simulate.js';
import { ZkClient } from '../../lib/zk/client/index.js';
import type { DeviceSimulator } from '../../lib/zk/simulator/index.js';

/** Runs `bridge simulate` in-process; `whileRunning` gets the simulators, then they are stopped. */
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

describe('bridge simulate', () => {
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
    expect(result.out).toMatch(/Usage: bridge simulate/);
  });

  it.each([
    ['dump.json', 0, 1, 'dump.json'],
    ['dump.json', 2, 3, 'dump-2.json'],
    ['out/truth', 1, 2, 'out/truth-1'],
  ])('names the dump of %s for device %i of %i: %s', (file, index, devices, expected) => {
    expect(dumpFileFor(file, index, devices)).toBe(expected);
  });
});
