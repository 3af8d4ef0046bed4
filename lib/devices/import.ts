import type { Sql } from '../db/connection.js';
import { findDevice } from '../db/devices.js';
import { insertPunches } from '../db/punches.js';
import { NotFoundError } from '../errors.js';
import { type AttlogProblem, parseAttlog } from './attlog.js';
import { toPunches } from './punches.js';

export interface ImportResult {
  lines: number;
  valid: number;
  inserted: number;
  alreadyStored: number;
  problems: AttlogProblem[];
}

/** Loads a USB attendance export for a device through the same idempotent path as a poll. */
export async function importAttlog(sql: Sql, deviceId: number, text: string): Promise<ImportResult> {
  const device = await findDevice(sql, deviceId);
  if (!device) throw new NotFoundError(`Device ${deviceId} does not exist; see "bridge devices list".`);
  const { records, problems } = parseAttlog(text);
  const { punches } = toPunches(records, {
    deviceId,
    timezone: device.timezone,
    pollRunId: null,
    clockOffsetSeconds: null,
    source: 'import',
  });
  const inserted = await insertPunches(sql, punches);
  return {
    lines: records.length + problems.length,
    valid: punches.length,
    inserted,
    alreadyStored: punches.length - inserted,
    problems,
  };
}
