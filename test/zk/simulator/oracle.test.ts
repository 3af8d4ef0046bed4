import { ZkClient } from '../../../lib/zk/client/index.js';
import type { AttendanceRecord } from '../../../lib/zk/codec/index.js';
import { DeviceSimulator } from '../../../lib/zk/simulator/index.js';
import { oracleView, ourView, readWithNodeZklib } from './nodeZklib.js';

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

    const { users, attendances: oracle } = await readWithNodeZklib(sim);

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
