import type { Sql } from '../db/connection.js';
import { type DeviceRow, insertDevice } from '../db/devices.js';
import { findUnregistered, forgetUnregistered } from '../db/pushDevices.js';
import { NotFoundError } from '../errors.js';

/**
 * Registers a serial that pushed without being known. Nothing it offered was stored; its next
 * handshake finds no stamp, so it uploads its whole log (or ask for a range with DATA QUERY ATTLOG).
 */
export async function adoptUnregistered(
  sql: Sql,
  serialNumber: string,
  device: { name?: string; timezone: string },
): Promise<DeviceRow> {
  const seen = await findUnregistered(sql, serialNumber);
  if (!seen) {
    throw new NotFoundError(
      `No unregistered device with serial ${serialNumber} has been seen; add it as a push device instead.`,
    );
  }
  return sql.begin(async (tx) => {
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
}
