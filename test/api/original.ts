// The fields the original Django API answered with, per object. Its clients read them, so every
// one stays; the bridge may add its own beside them.

export const ORIGINAL_DEVICE_FIELDS = [
  'id',
  'name',
  'ip_address',
  'port',
  'enabled',
  'last_sync',
  'created_at',
  'updated_at',
];

export const ORIGINAL_PUNCH_FIELDS = [
  'id',
  'device',
  'device_name',
  'user_id',
  'timestamp',
  'status',
  'punch_state',
  'verify_type',
  'created_at',
];

export const ORIGINAL_DAY_FIELDS = [
  'id',
  'device',
  'device_name',
  'user_id',
  'date',
  'clock_in',
  'clock_out',
  'is_outlier',
  'outlier_reason',
  'synced_to_crm',
  'sync_attempts',
  'last_sync_attempt',
  'created_at',
  'updated_at',
];
