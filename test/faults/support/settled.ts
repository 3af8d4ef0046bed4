import type { Client } from '@temporalio/client';
import { rulesConfigFromConfig } from '../../../lib/attendance/fromConfig.js';
import type { PunchInput } from '../../../lib/attendance/index.js';
import type { Config } from '../../../lib/config.js';
import type { Sql } from '../../../lib/db/connection.js';
import { buildUsableDays } from '../../../lib/processing/index.js';
import { contentDigest } from '../../../lib/processing/records.js';
import type { DeviceDump, DeviceSimulator } from '../../../lib/zk/simulator/index.js';
import type { IdempotentStore } from '../../support/crmServer.js';

/** Device id, user and device wall clock: a punch's identity. */
const punchKey = (deviceId: number, userId: string, wallClock: string) =>
  `${deviceId}|${userId}|${wallClock}`;

/** A scenario's terminal, with the punches cleared from its log (the database must keep them). */
export interface PolledTerminal {
  id: number;
  simulator: DeviceSimulator;
  cleared: DeviceDump['punches'];
}

/** What the terminals hold or held before a clear, each punch once (a log may repeat one byte for byte). */
export function punchesOnDevices(devices: PolledTerminal[]): Set<string> {
  const keys = new Set<string>();
  for (const { id, simulator, cleared } of devices) {
    for (const p of [...cleared, ...simulator.dump().punches])
      keys.add(punchKey(id, p.user_id, p.timestamp.replace(' ', 'T')));
  }
  return keys;
}

export async function storedPunches(sql: Sql): Promise<PunchInput[]> {
  const rows = await sql<Array<Omit<PunchInput, 'id'> & { id: number }>>`
    select id, user_id as "userId", device_id as "deviceId",
      to_char(punched_at_local, 'YYYY-MM-DD"T"HH24:MI:SS') as "wallClock", punched_at as instant,
      timezone, punch_state as state, verify_type as "verifyType", clock_offset_seconds as "clockOffsetSeconds"
    from raw_punches order by id`;
  return rows.map((row) => ({ ...row, id: String(row.id) }));
}

export interface Settled {
  punches: number;
  /** Stored punch identities that occur more than once (must be none). */
  doubledPunches: number;
  /** Punches on the devices the database does not hold, and the other way round. */
  missingPunches: number;
  unexpectedPunches: number;
  records: number;
  /** Records the delivery figures below cover: those of the sync's dates, or all. */
  recordsInScope: number;
  /** Records whose content differs from a build of the stored punches by a fault-free run. */
  recordsUnlikeFaultFree: number;
  /** Records not delivered in their current revision, by status. */
  undelivered: Record<string, number>;
  /** Revisions the CRM applied more than once, and delivered revisions it does not hold. */
  doubledAtCrm: number;
  missingAtCrm: number;
  posts: number;
  runningWorkflows: string[];
}

/** The state a scenario ends in, as figures a fault-free run gives exactly. */
export async function settledState(options: {
  sql: Sql;
  client: Client;
  config: Config;
  devices: PolledTerminal[];
  crm: IdempotentStore;
  posts: number;
  /** The dates the scenario's syncs delivered (inclusive); the delivery checks cover only these. */
  dates?: { startDate: string; endDate: string };
}): Promise<Settled> {
  const { sql } = options;
  const punches = await storedPunches(options.sql);
  const onDevices = punchesOnDevices(options.devices);
  const polledIds = new Set(options.devices.map((d) => d.id));
  const stored = new Map<string, number>();
  for (const p of punches) {
    if (!polledIds.has(p.deviceId)) continue;
    const key = punchKey(p.deviceId, p.userId, p.wallClock);
    stored.set(key, (stored.get(key) ?? 0) + 1);
  }
  const faultFree = new Map(
    buildUsableDays(punches, rulesConfigFromConfig(options.config)).days.map((day) => [
      `${day.userId}|${day.date}`,
      contentDigest(day),
    ]),
  );
  const days = await sql<
    Array<{ id: string; key: string; contentKey: string; revision: number; status: string; date: string }>
  >`select id::text, user_id || '|' || to_char(date, 'YYYY-MM-DD') as key, content_key as "contentKey",
      revision, delivery_status as status, to_char(date, 'YYYY-MM-DD') as date from attendance_days`;
  const { dates } = options;
  const inScope = (date: string) => !dates || (date >= dates.startDate && date <= dates.endDate);
  const scoped = days.filter((day) => inScope(day.date));
  const undelivered: Record<string, number> = {};
  for (const day of scoped) {
    if (day.status !== 'delivered') undelivered[day.status] = (undelivered[day.status] ?? 0) + 1;
  }
  const recordsUnlikeFaultFree =
    days.filter((day) => faultFree.get(day.key) !== day.contentKey).length +
    Math.max(0, faultFree.size - days.length);
  // The CRM's own view: each applied POST names its user and date; a record is applied at most once
  // per revision, and the delivered revision's key is among those applied.
  const appliedPerDay = new Map<string, number>();
  for (const entry of options.crm.applied) {
    const body = entry.body as { user_id?: string; date?: string };
    const key = `${body.user_id}|${body.date}`;
    appliedPerDay.set(key, (appliedPerDay.get(key) ?? 0) + 1);
  }
  const appliedKeys = new Set(options.crm.applied.map((entry) => entry.key));
  const deliveredKeys = await sql<Array<{ key: string; date: string }>>`
    select distinct a.idempotency_key as key, to_char(d.date, 'YYYY-MM-DD') as date from delivery_attempts a
    join attendance_days d on d.id = a.attendance_day_id and a.revision = d.delivered_revision
    where a.outcome = 'delivered'`;
  const running = (await runningWorkflows(options.client)).map((w) => `${w.type} ${w.workflowId}`);
  return {
    punches: punches.length,
    doubledPunches: [...stored.values()].filter((n) => n > 1).length,
    missingPunches: [...onDevices].filter((key) => !stored.has(key)).length,
    unexpectedPunches: [...stored.keys()].filter((key) => !onDevices.has(key)).length,
    records: days.length,
    recordsInScope: scoped.length,
    recordsUnlikeFaultFree,
    undelivered,
    doubledAtCrm: scoped.filter((day) => (appliedPerDay.get(day.key) ?? 0) > day.revision).length,
    missingAtCrm:
      scoped.filter((day) => day.status === 'delivered' && !appliedPerDay.has(day.key)).length +
      deliveredKeys.filter((k) => inScope(k.date) && !appliedKeys.has(k.key)).length,
    posts: options.posts,
    runningWorkflows: running,
  };
}

export async function runningWorkflows(client: Client): Promise<Array<{ type: string; workflowId: string }>> {
  const rows: Array<{ type: string; workflowId: string }> = [];
  for await (const w of client.workflow.list({ query: 'ExecutionStatus = "Running"' })) {
    rows.push({ type: w.type, workflowId: w.workflowId });
  }
  return rows;
}
