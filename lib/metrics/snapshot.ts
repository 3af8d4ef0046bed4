import type { Sql } from '../db/connection.js';
import { listDevices } from '../db/devices.js';
import { unprocessedBacklog } from '../db/punches.js';

export const pollStatuses = ['succeeded', 'failed'] as const;
export const attemptOutcomes = ['sending', 'delivered', 'transient', 'rejected', 'unknown'] as const;
export const backlogStatuses = ['pending', 'failed', 'rejected'] as const;

export type PollStatus = (typeof pollStatuses)[number];
export type AttemptOutcome = (typeof attemptOutcomes)[number];
export type BacklogStatus = (typeof backlogStatuses)[number];

/** What an enabled device last told us, and whether its polls work. */
export interface DeviceHealth {
  id: number;
  name: string;
  /** Its last poll succeeded and no poll has failed since. */
  up: boolean;
  clockOffsetSeconds: number | null;
  recordCount: number | null;
  recordCapacity: number | null;
  consecutiveFailures: number;
  /** Seconds since the Unix epoch, or null if it was never polled successfully. */
  lastSuccessSeconds: number | null;
}

/** What an enabled push device last did. It is never polled: its figures are its own requests. */
export interface PushDeviceActivity {
  id: number;
  name: string;
  /** Seconds since the Unix epoch of its last request of any kind, or null if it never pushed. */
  lastContactSeconds: number | null;
  lastUploadSeconds: number | null;
  pendingCommands: number;
  malformedLines: number;
}

/** Every figure /metrics shows, read at one instant. No user ids: none are read. */
export interface MetricsSnapshot {
  /** Finished polls ever, by status: the rows stored plus those the cleanup removed. */
  polls: Record<PollStatus, number>;
  /** Punches ever stored: the rows still there plus those retention removed. */
  punchesStored: number;
  punchesDeleted: number;
  unprocessedPunches: number;
  /** Seconds since the oldest punch still waiting for processing was stored; 0 when none waits. */
  oldestUnprocessedAgeSeconds: number;
  /** Delivery attempts ever, by outcome, counted like polls. */
  deliveryAttempts: Record<AttemptOutcome, number>;
  /** Daily records whose current revision the CRM does not have, by delivery status. */
  pendingDelivery: Record<BacklogStatus, number>;
  /** Enabled pull devices. */
  devices: DeviceHealth[];
  pushDevices: PushDeviceActivity[];
}

type Tally = { subject: string; label: string; count: number };

function byLabel<K extends string>(keys: readonly K[], rows: readonly { label: string; count: number }[]) {
  const counts = Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;
  for (const row of rows) {
    if ((keys as readonly string[]).includes(row.label)) counts[row.label as K] += row.count;
  }
  return counts;
}

/**
 * Reads the figures in one read-only, repeatable-read transaction, so a cleanup committing meanwhile
 * is seen either wholly (rows gone, totals raised) or not at all, and no counter moves backwards.
 *
 * Cost: the counts scan the poll and delivery logs and the punch table (an index-only scan when the
 * table is vacuumed). Retention keeps all three bounded; the unprocessed punches and the delivery
 * backlog are read through their partial indexes.
 */
export async function readMetricsSnapshot(sql: Sql): Promise<MetricsSnapshot> {
  return sql.begin('isolation level repeatable read read only', async (tx) => {
    const [removed, polls, [stored], unprocessed, attempts, backlog, devices, pushDevices] =
      await Promise.all([
        tx<Tally[]>`select subject, label, removed as count from cleanup_totals`,
        tx<{ label: string; count: number }[]>`
        select status as label, count(*) as count from poll_runs group by status`,
        tx<{ count: number }[]>`select count(*) as count from raw_punches`,
        unprocessedBacklog(tx),
        tx<{ label: string; count: number }[]>`
        select outcome as label, count(*) as count from delivery_attempts group by outcome`,
        tx<{ label: string; count: number }[]>`
        select delivery_status as label, count(*) as count from attendance_days
        where delivery_status <> 'delivered' group by delivery_status`,
        tx<DeviceHealth[]>`
        select id, name, (last_success_at is not null and consecutive_failures = 0) as up,
          clock_offset_seconds as "clockOffsetSeconds", record_count as "recordCount",
          record_capacity as "recordCapacity", consecutive_failures as "consecutiveFailures",
          extract(epoch from last_success_at)::float8 as "lastSuccessSeconds"
        from devices where enabled and transport = 'pull' order by id`,
        listDevices(tx as unknown as Sql, { enabledOnly: true, transport: 'push' }),
      ]);
    const removedOf = (subject: string) => removed.filter((row) => row.subject === subject);
    const punchesDeleted = removedOf('raw_punches').reduce((sum, row) => sum + row.count, 0);
    return {
      polls: byLabel(pollStatuses, [...polls, ...removedOf('poll_runs')]),
      punchesStored: stored.count + punchesDeleted,
      punchesDeleted,
      unprocessedPunches: unprocessed.count,
      oldestUnprocessedAgeSeconds: unprocessed.ageSeconds ?? 0,
      deliveryAttempts: byLabel(attemptOutcomes, [...attempts, ...removedOf('delivery_attempts')]),
      pendingDelivery: byLabel(backlogStatuses, backlog),
      devices: [...devices],
      pushDevices: pushDevices.map((d) => ({
        id: d.id,
        name: d.name,
        lastContactSeconds: epochSeconds(d.pushLastContactAt),
        lastUploadSeconds: epochSeconds(d.pushLastUploadAt),
        pendingCommands: d.pendingCommands,
        malformedLines: d.pushMalformedLines,
      })),
    };
  });
}

function epochSeconds(instant: Date | null): number | null {
  return instant === null ? null : instant.getTime() / 1000;
}
