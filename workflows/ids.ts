/**
 * Workflow ids, one per kind of run, so two runs of one kind never overlap: a device is never read
 * twice at once, and a second "sync now" joins the sync that is going. Runs of different kinds (the
 * schedule, a person, a retry round) may run side by side; a record listed by two syncs is still sent
 * by one only, because a delivery first takes a lease on the record revision (`claimDelivery` in
 * lib/db/deliveries.ts).
 */

export const pollWorkflowIds = {
  scheduled: 'poll-all-devices',
  all: 'poll-all-devices/manual',
  /** The scheduled poll's child for this device and a person's "poll now" share it. */
  device: (deviceId: number) => `poll/device-${deviceId}`,
} as const;

/** Two people asking at once share one session (terminals serve one). */
export const deviceInfoWorkflowId = (deviceId: number) => `device-info/device-${deviceId}`;

/** Reading a device's enrolled users on request (the console's "sync users"). */
export const deviceUsersWorkflowId = (deviceId: number) => `device-users/device-${deviceId}`;

export const processWorkflowIds = {
  scheduled: 'process-attendance',
  manual: 'process-attendance/manual',
  /** The console's "reprocess this day": one run per day, so two clicks join one rebuild. */
  day: (date: string) => `process-attendance/day-${date}`,
} as const;

export const syncWorkflowIds = {
  scheduled: 'sync-to-crm',
  manual: 'sync-to-crm/manual',
  retryRound: 'retry-failed-syncs',
  /** Re-delivery of one record asked for by a person (API / CLI). */
  record: (attendanceDayId: number) => `sync-to-crm/record-${attendanceDayId}`,
  /** The console's "re-sync this day". */
  day: (date: string) => `sync-to-crm/day-${date}`,
} as const;

export const cleanupWorkflowId = 'daily-cleanup';
