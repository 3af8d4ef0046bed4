import type { Sql } from '../db/connection.js';
import { type DeviceRow, insertDevice } from '../db/devices.js';
import { findPushDevice, findUnregistered, forgetUnregistered } from '../db/pushDevices.js';

export type AdoptResult =
  | { ok: true; device: DeviceRow }
  | { ok: false; reason: 'registered' | 'not-seen'; message: string };

/**
 * Registers a serial that pushed without being known. Nothing it offered was stored; its next
 * handshake finds no stamp, so it uploads its whole log (or ask for a range with DATA QUERY ATTLOG).
 */
export async function adoptUnregistered(
  sql: Sql,
  serialNumber: string,
  device: { name?: string; timezone: string },
): Promise<AdoptResult> {
  const existing = await findPushDevice(sql, serialNumber);
  if (existing) {
    return {
      ok: false,
      reason: 'registered',
      message: `device ${existing.id} already has serial ${serialNumber}`,
    };
  }
  if (!(await findUnregistered(sql, serialNumber))) {
    return {
      ok: false,
      reason: 'not-seen',
      message: `No unregistered device with serial ${serialNumber} has been seen; add it as a push device instead.`,
    };
  }
  const adopted = await sql.begin(async (tx) => {
    const row = await insertDevice(tx as unknown as Sql, {
      name: device.name ?? `Push device ${serialNumber}`,
      transport: 'push',
      host: null,
      port: null,
      commKey: 0,
      timezone: device.timezone,
      serialNumber,
    });
    await forgetUnregistered(tx, serialNumber);
    return row;
  });
  return { ok: true, device: adopted };
}
