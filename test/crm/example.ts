import type { DeliverableDay } from '../../lib/crm/payload.js';

/** A day as delivery reads it: EMP001 at Main Office, in at 08:15:30 and out at 17:30 Istanbul time. */
export const exampleDay: DeliverableDay = {
  id: 42,
  userId: 'EMP001',
  date: '2025-11-11',
  revision: 1,
  clockIn: new Date('2025-11-11T05:15:30Z'),
  clockOut: new Date('2025-11-11T14:30:00Z'),
  timezone: 'Europe/Istanbul',
  isOutlier: false,
  outlierReason: '',
  deviceName: 'Main Office',
  deviceIp: '192.168.1.100',
};

/** What the CRM receives for that day at `revision`: the original's fields and JSON types, and ours. */
export const exampleBody = (revision: number) => ({
  user_id: 'EMP001',
  date: '2025-11-11',
  clock_in: '2025-11-11T08:15:30+03:00',
  clock_out: '2025-11-11T17:30:00+03:00',
  is_outlier: false,
  outlier_reason: '',
  device_name: 'Main Office',
  device_ip: '192.168.1.100',
  revision,
});
