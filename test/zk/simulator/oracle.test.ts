import { createRequire } from 'node:module';
import { jest } from '@jest/globals';
import { ZkClient } from '../../../lib/zk/client/index.js';
import type { AttendanceRecord } from '../../../lib/zk/codec/index.js';
import { DeviceSimulator } from '../../../lib/zk/simulator/index.js';

/**
 * node-zklib reads a terminal correctly when every packet arrives as its own TCP read, so it is a
 * black-box check of the simulator's 'separate' mode: if it disagrees with our client, one of the
 * two is wrong about the device.
 */
interface ZkLibRecord {
  userSn: number;
  deviceUserId: string;
  recordTime: Date;
}
interface ZkLib {
  createSocket(): Promise<void>;
  getAttendances(): Promise<{ data: ZkLibRecord[]; err: unknown }>;
  getUsers(): Promise<{ data: { uid: number; userId: string; name: string }[]; err: unknown }>;
  disconnect(): Promise<void>;
}
const ZKLib = createRequire(import.meta.url)('node-zklib') as new (
  ip: string,
  port: number,
  timeoutMs: number,
  udpPort: number,
) => ZkLib;

/** node-zklib keeps 9 characters of the user id and builds a Date in the local zone from the fields. */
const oracleView = (r: ZkLibRecord) => ({
  uid: r.userSn,
  userId: r.deviceUserId,
  time: [
    r.recordTime.getFullYear(),
    r.recordTime.getMonth() + 1,
    r.recordTime.getDate(),
    r.recordTime.getHours(),
    r.recordTime.getMinutes(),
    r.recordTime.getSeconds(),
  ],
});
const ourView = (r: AttendanceRecord) => ({
  uid: r.uid,
  userId: r.userId.slice(0, 9),
  time: [r.time.year, r.time.month, r.time.day, r.time.hour, r.time.minute, r.time.second],
});

describe('node-zklib 1.3.0 as an oracle for separate writes', () => {
  let simulator: DeviceSimulator | undefined;

  afterEach(async () => {
    await simulator?.close();
  });

  it.each([
    ['split into 1008-byte packets', 1008],
    ['one CMD_DATA per chunk', 0],
  ])('reads the same attendance records as our client (%s)', async (_, splitDataBytes) => {
    const sim = await DeviceSimulator.start({
      seed: 'oracle',
      punches: 3000,
      users: 40,
      userIdWidth: 12,
      writeMode: 'separate',
      splitDataBytes,
    });
    simulator = sim;
    const ours = await ZkClient.connect({ host: sim.host, port: sim.port });
    let ourRecords: AttendanceRecord[];
    try {
      ourRecords = (await ours.readAttendance()).records;
    } finally {
      await ours.close();
    }

    // node-zklib announces every connect on stdout.
    const log = jest.spyOn(console, 'log').mockImplementation(() => {});
    const zk = new ZKLib(sim.host, sim.port, 10_000, 0);
    let oracle: Awaited<ReturnType<ZkLib['getAttendances']>>;
    let users: Awaited<ReturnType<ZkLib['getUsers']>>;
    try {
      await zk.createSocket();
      users = await zk.getUsers();
      oracle = await zk.getAttendances();
    } finally {
      await zk.disconnect();
      log.mockRestore();
    }

    expect(oracle.err).toBeFalsy();
    expect(users.err).toBeFalsy();
    expect(ourRecords).toHaveLength(3000);
    expect(oracle.data.map(oracleView)).toEqual(ourRecords.map(ourView));
    expect(users.data.map((u) => u.userId)).toEqual(sim.dump().users.map((u) => u.user_id.slice(0, 9)));
    // Ids longer than node-zklib's 9 characters exist, so the truncation is really exercised.
    expect(ourRecords.some((r) => r.userId.length > 9)).toBe(true);
    await waitFor(() => sim.activeSessions === 0);
    expect(sim.enabled).toBe(true);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  // A hang guard only: the sessions end within a few event-loop turns of the clients closing.
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
}
