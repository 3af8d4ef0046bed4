import { createRequire } from 'node:module';
import { jest } from '@jest/globals';
import type { AttendanceRecord } from '../../../lib/zk/codec/index.js';

/**
 * node-zklib 1.3.0 reads a terminal correctly when every packet arrives as its own TCP read, so it is
 * a black-box check of the simulator's 'separate' mode: if it disagrees with our client, one of the
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
export const oracleView = (r: ZkLibRecord) => ({
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
export const ourView = (r: AttendanceRecord) => ({
  uid: r.uid,
  userId: r.userId.slice(0, 9),
  time: [r.time.year, r.time.month, r.time.day, r.time.hour, r.time.minute, r.time.second],
});

/** The users and the attendance log as node-zklib reads them from a device, in one session. */
export async function readWithNodeZklib(device: { host: string; port: number }) {
  // node-zklib announces every connect on stdout.
  const log = jest.spyOn(console, 'log').mockImplementation(() => {});
  const zk = new ZKLib(device.host, device.port, 10_000, 0);
  try {
    await zk.createSocket();
    const users = await zk.getUsers();
    const attendances = await zk.getAttendances();
    return { users, attendances };
  } finally {
    await zk.disconnect();
    log.mockRestore();
  }
}
