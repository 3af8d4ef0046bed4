import type { ParsedFamily } from './parse.js';

// The bridge's own families: test/metrics/collect.test.ts checks their figures.
export const bridgeFamilies = [
  'bridge_polls_total',
  'bridge_punches_stored_total',
  'bridge_punches_deleted_total',
  'bridge_unprocessed_punches',
  'bridge_oldest_unprocessed_punch_age_seconds',
  'bridge_delivery_attempts_total',
  'bridge_records_pending_delivery',
  'bridge_devices_enabled',
  'bridge_devices_up',
  'bridge_device_up',
  'bridge_device_consecutive_failures',
  'bridge_device_last_success_timestamp_seconds',
  'bridge_device_clock_offset_seconds',
  'bridge_device_log_used_ratio',
  'bridge_push_devices_enabled',
  'bridge_push_device_last_contact_timestamp_seconds',
  'bridge_push_device_last_upload_timestamp_seconds',
  'bridge_push_device_pending_commands',
  'bridge_push_device_malformed_lines_total',
];

// prom-client's defaults for this process: CPU, memory, heap, event-loop lag, GC.
export const processFamilies = [
  'process_cpu_seconds_total',
  'process_resident_memory_bytes',
  'nodejs_heap_size_used_bytes',
  'nodejs_eventloop_lag_seconds',
  'nodejs_gc_duration_seconds',
];

/** The samples of a Temporal SDK family on one of this test's task queues. */
export function onQueue(families: Map<string, ParsedFamily>, name: string, taskQueue: string) {
  return (families.get(name)?.samples ?? []).filter((s) => s.labels.task_queue === taskQueue);
}
