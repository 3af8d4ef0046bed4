import type { Sql } from '../lib/db/connection.js';
import { type DeliveryStats, deliveryStats } from '../lib/db/deliveryReports.js';
import { type DeviceRow, listDevices } from '../lib/db/devices.js';
import { unprocessedBacklog } from '../lib/db/punches.js';

/** What `attendance-bridge status` shows, read in one go. */
export interface StatusReport {
  devices: DeviceRow[];
  backlog: { unprocessedPunches: number; oldestUnprocessedAt: Date | null; deliveries: DeliveryStats };
  failedPolls: { deviceId: number; deviceName: string; startedAt: Date; attempt: number; error: string }[];
  failedDeliveries: {
    id: number;
    userId: string;
    date: string;
    status: 'failed' | 'rejected';
    lastAttemptAt: Date | null;
    error: string;
  }[];
}

/** Failures shown: the most recent few, from the last day only, so an old incident does not linger. */
const RECENT_FAILURES = 10;

export async function readStatus(sql: Sql): Promise<StatusReport> {
  const [devices, deliveries, punches, failedPolls, failedDeliveries] = await Promise.all([
    listDevices(sql),
    deliveryStats(sql),
    unprocessedBacklog(sql),
    sql<StatusReport['failedPolls']>`
      select r.device_id as "deviceId", d.name as "deviceName", r.started_at as "startedAt", r.attempt,
             coalesce(r.error, 'no error recorded') as error
      from poll_runs r join devices d on d.id = r.device_id
      where r.status = 'failed' and r.started_at > now() - interval '1 day'
      order by r.started_at desc, r.id desc
      limit ${RECENT_FAILURES}`,
    sql<StatusReport['failedDeliveries']>`
      select id, user_id as "userId", date::text as date, delivery_status as status,
             last_sync_attempt as "lastAttemptAt", coalesce(last_sync_error, 'no error recorded') as error
      from attendance_days
      where delivery_status in ('failed', 'rejected')
      order by last_sync_attempt desc nulls last, id desc
      limit ${RECENT_FAILURES}`,
  ]);
  const backlog = {
    unprocessedPunches: punches.count,
    oldestUnprocessedAt: punches.oldestStoredAt,
    deliveries,
  };
  return { devices, backlog, failedPolls, failedDeliveries };
}
