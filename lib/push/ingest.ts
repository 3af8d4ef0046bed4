/**
 * Uploads from push devices into PostgreSQL. Each upload is one transaction: the punches (through
 * the same idempotent insert as polls and imports), the device's stamp for the table and its
 * contact. The receiver answers OK only after this resolves, i.e. after COMMIT, so a device that
 * hears OK never has to send the lines again, and one that does not hear it re-sends them into
 * the identity constraint, which stores nothing twice.
 */
import type { Sql } from '../db/connection.js';
import type { DeviceRow } from '../db/devices.js';
import { mergeDeviceUsers } from '../db/deviceUsers.js';
import { insertPunches } from '../db/punches.js';
import { recordPushContact, writeStamp } from '../db/pushDevices.js';
import type { AttlogRecord } from '../devices/attlog.js';
import { toPunches } from '../devices/punches.js';
import type { PushedUser } from './lines.js';

export interface UploadOutcome {
  /** Lines read, good and bad: what the device is told was taken. */
  lines: number;
  inserted: number;
  alreadyStored: number;
  malformed: number;
}

export async function storeAttendanceUpload(
  sql: Sql,
  device: Pick<DeviceRow, 'id' | 'timezone'>,
  upload: { records: AttlogRecord[]; malformed: number; stamp: string | null; address: string },
): Promise<UploadOutcome> {
  const { punches, invalid } = toPunches(upload.records, {
    deviceId: device.id,
    timezone: device.timezone,
    pollRunId: null,
    clockOffsetSeconds: null,
    source: 'push',
  });
  const malformed = upload.malformed + invalid.length;
  const inserted = await sql.begin(async (tx) => {
    const count = await insertPunches(tx as unknown as Sql, punches);
    if (upload.stamp !== null) await writeStamp(tx, device.id, 'ATTLOG', upload.stamp);
    await recordPushContact(tx, device.id, {
      address: upload.address,
      upload: true,
      malformedLines: malformed,
    });
    return count;
  });
  return {
    lines: upload.records.length + upload.malformed,
    inserted,
    alreadyStored: punches.length - inserted,
    malformed,
  };
}

/** OPERLOG: names of enrolled users (merged, never deleting the ones not mentioned) and the stamp. */
export async function storeOperationLog(
  sql: Sql,
  deviceId: number,
  upload: { users: PushedUser[]; malformed: number; table: string; stamp: string | null; address: string },
): Promise<void> {
  await sql.begin(async (tx) => {
    await mergeDeviceUsers(
      tx as unknown as Sql,
      deviceId,
      upload.users.map((user) => ({
        userId: user.userId,
        uid: /^\d{1,9}$/.test(user.userId) ? Number(user.userId) : 0,
        name: user.name,
        cardNumber: user.cardNumber,
        privilege: user.privilege,
      })),
    );
    if (upload.stamp !== null) await writeStamp(tx, deviceId, upload.table, upload.stamp);
    await recordPushContact(tx, deviceId, { address: upload.address, malformedLines: upload.malformed });
  });
}
