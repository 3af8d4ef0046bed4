import type { Registry } from 'prom-client';
import type { Sql } from '../db/connection.js';
import { familiesRegistry, type MetricFamily, type Sample } from './exposition.js';
import {
  attemptOutcomes,
  backlogStatuses,
  type DeviceHealth,
  type MetricsSnapshot,
  pollStatuses,
  readMetricsSnapshot,
} from './snapshot.js';

// A device is named by its id and its operator-given name only: never its address, serial or keys.
const deviceLabels = (device: { id: number; name: string }) => ({
  device: String(device.id),
  device_name: device.name,
});

const deviceLabelNames = ['device', 'device_name'];

function perDevice<D extends { id: number; name: string }>(
  devices: readonly D[],
  value: (device: D) => number | null,
): Sample[] {
  const samples: Sample[] = [];
  for (const device of devices) {
    const v = value(device);
    if (v !== null) samples.push({ labels: deviceLabels(device), value: v });
  }
  return samples;
}

function logUsedRatio(device: DeviceHealth): number | null {
  if (device.recordCount === null || device.recordCapacity === null || device.recordCapacity <= 0)
    return null;
  return device.recordCount / device.recordCapacity;
}

/**
 * The metric families of a snapshot; pure. Per-device series cover enabled devices only: the poll
 * figures pull devices, the push figures push devices (which are never polled).
 */
export function metricFamilies(snapshot: MetricsSnapshot): MetricFamily[] {
  const { devices, pushDevices } = snapshot;
  return [
    {
      name: 'bridge_polls_total',
      help: 'Device polls finished, by status.',
      type: 'counter',
      labelNames: ['status'],
      samples: pollStatuses.map((status) => ({ labels: { status }, value: snapshot.polls[status] })),
    },
    {
      name: 'bridge_punches_stored_total',
      help: 'Punches stored since the bridge started keeping them (those removed by retention included).',
      type: 'counter',
      labelNames: [],
      samples: [{ value: snapshot.punchesStored }],
    },
    {
      name: 'bridge_punches_deleted_total',
      help: 'Punches deleted by retention after their day was processed and delivered.',
      type: 'counter',
      labelNames: [],
      samples: [{ value: snapshot.punchesDeleted }],
    },
    {
      name: 'bridge_unprocessed_punches',
      help: 'Punches stored but not yet turned into daily records.',
      type: 'gauge',
      labelNames: [],
      samples: [{ value: snapshot.unprocessedPunches }],
    },
    {
      name: 'bridge_oldest_unprocessed_punch_age_seconds',
      help: 'Seconds since the oldest punch still waiting for processing was stored (0 when none waits).',
      type: 'gauge',
      labelNames: [],
      samples: [{ value: snapshot.oldestUnprocessedAgeSeconds }],
    },
    {
      name: 'bridge_delivery_attempts_total',
      help: 'CRM delivery attempts, by outcome.',
      type: 'counter',
      labelNames: ['outcome'],
      samples: attemptOutcomes.map((outcome) => ({
        labels: { outcome },
        value: snapshot.deliveryAttempts[outcome],
      })),
    },
    {
      name: 'bridge_records_pending_delivery',
      help: 'Daily records whose current revision the CRM does not have yet, by delivery status.',
      type: 'gauge',
      labelNames: ['status'],
      samples: backlogStatuses.map((status) => ({
        labels: { status },
        value: snapshot.pendingDelivery[status],
      })),
    },
    {
      name: 'bridge_devices_enabled',
      help: 'Pull devices enabled for polling.',
      type: 'gauge',
      labelNames: [],
      samples: [{ value: devices.length }],
    },
    {
      name: 'bridge_devices_up',
      help: 'Enabled pull devices whose last poll succeeded.',
      type: 'gauge',
      labelNames: [],
      samples: [{ value: devices.filter((d) => d.up).length }],
    },
    {
      name: 'bridge_device_up',
      help: "1 if the device's last poll succeeded and none has failed since, else 0.",
      type: 'gauge',
      labelNames: deviceLabelNames,
      samples: perDevice(devices, (d) => (d.up ? 1 : 0)),
    },
    {
      name: 'bridge_device_consecutive_failures',
      help: 'Polls of the device that failed in a row since its last success.',
      type: 'gauge',
      labelNames: deviceLabelNames,
      samples: perDevice(devices, (d) => d.consecutiveFailures),
    },
    {
      name: 'bridge_device_last_success_timestamp_seconds',
      help: 'When the device was last polled successfully (Unix time).',
      type: 'gauge',
      labelNames: deviceLabelNames,
      samples: perDevice(devices, (d) => d.lastSuccessSeconds),
    },
    {
      name: 'bridge_device_clock_offset_seconds',
      help: 'Device clock minus bridge clock at the last successful poll, in seconds.',
      type: 'gauge',
      labelNames: deviceLabelNames,
      samples: perDevice(devices, (d) => d.clockOffsetSeconds),
    },
    {
      name: 'bridge_device_log_used_ratio',
      help: 'Attendance log records on the device divided by its log capacity.',
      type: 'gauge',
      labelNames: deviceLabelNames,
      samples: perDevice(devices, logUsedRatio),
    },
    {
      name: 'bridge_push_devices_enabled',
      help: 'Push devices enabled (they post to the receiver instead of being polled).',
      type: 'gauge',
      labelNames: [],
      samples: [{ value: pushDevices.length }],
    },
    {
      name: 'bridge_push_device_last_contact_timestamp_seconds',
      help: 'When the push device last made a request of any kind to the receiver (Unix time).',
      type: 'gauge',
      labelNames: deviceLabelNames,
      samples: perDevice(pushDevices, (d) => d.lastContactSeconds),
    },
    {
      name: 'bridge_push_device_last_upload_timestamp_seconds',
      help: 'When an upload of punches from the push device was last stored (Unix time).',
      type: 'gauge',
      labelNames: deviceLabelNames,
      samples: perDevice(pushDevices, (d) => d.lastUploadSeconds),
    },
    {
      name: 'bridge_push_device_pending_commands',
      help: 'Commands queued for the push device that it has not taken yet.',
      type: 'gauge',
      labelNames: deviceLabelNames,
      samples: perDevice(pushDevices, (d) => d.pendingCommands),
    },
    {
      name: 'bridge_push_device_malformed_lines_total',
      help: "Lines of the push device's posts the receiver could not read (counted, never stored).",
      type: 'counter',
      labelNames: deviceLabelNames,
      samples: perDevice(pushDevices, (d) => d.malformedLines),
    },
  ];
}

/** A registry of the bridge's own families, read from the database in one snapshot. */
export async function bridgeMetrics(sql: Sql): Promise<Registry> {
  return familiesRegistry(metricFamilies(await readMetricsSnapshot(sql)));
}

/** The bridge's own families in the Prometheus text format, computed from the database. */
export async function collectMetrics(sql: Sql): Promise<string> {
  return (await bridgeMetrics(sql)).metrics();
}
