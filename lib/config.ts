/**
 * The bridge's settings, parsed once from the environment (and `.env`). Names kept from the original
 * Django system stay as they were (REQUIREMENTS.md); the rest are ours. Every setting is documented
 * with its default in `.env.example`.
 */
import path from 'node:path';
import { z } from 'zod';
import { defaultRulesConfig as rules } from './attendance/config.js';
import { ConfigurationError } from './errors.js';
import { isTimeZone } from './time/wallclock.js';

const clockTime = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day as HH:MM (00:00 to 23:59)');

const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off', 'True', 'False'])
  .transform((value) => ['true', '1', 'yes', 'on', 'True'].includes(value));

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const port = int(1, 65535);
const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? null : value.trim()));

const timeZone = z.string().refine(isTimeZone, 'must be an IANA time zone such as Africa/Nairobi or UTC');

const url = (protocols: string[]) =>
  z
    .string()
    .url('must be a URL')
    .refine(
      (value) => protocols.includes(new URL(value).protocol),
      `must start with ${protocols.join(' or ')}//`,
    );

const optionalUrl = (protocols: string[]) =>
  z
    .preprocess(
      (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
      url(protocols).optional(),
    )
    .transform((value) => value ?? null);

const schema = z.object({
  // Where things run
  PORT: port.default(8000),
  API_HOST: z.string().min(1).default('127.0.0.1'),
  API_MAX_BODY_BYTES: int(1024, 64 * 1024 * 1024).default(64 * 1024),
  DATA_DIR: z.string().min(1).default('./data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  API_TOKEN: optionalText,
  // Read by bin/attendance-bridge.js before the bridge starts (V8 takes them only at start); here so
  // they are checked and documented with the rest.
  NODE_HEAP_LIMIT_MB: int(0, 65_536).default(0),
  NODE_SEMI_SPACE_MB: int(0, 1024).default(4),

  // PostgreSQL
  DATABASE_URL: optionalUrl(['postgres:', 'postgresql:']),
  EMBEDDED_POSTGRES_PORT: port.default(54329),
  EMBEDDED_POSTGRES_SHARED_DIR: z.string().min(1).default('/var/lib/attendance-bridge'),

  // Temporal
  TEMPORAL_ADDRESS: optionalText,
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TLS: flag.default(false),
  TEMPORAL_TLS_CERT_FILE: optionalText,
  TEMPORAL_TLS_KEY_FILE: optionalText,
  TEMPORAL_TLS_CA_FILE: optionalText,
  TEMPORAL_API_KEY: optionalText,
  TEMPORAL_CLI: optionalText,
  TEMPORAL_DEV_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('attendance-bridge'),
  DEVICE_TASK_QUEUE: z.string().min(1).default('attendance-devices'),
  CRM_TASK_QUEUE: z.string().min(1).default('attendance-crm'),
  DEVICE_ACTIVITY_CONCURRENCY: int(1, 256).default(4),
  WORKFLOW_BUNDLE: optionalText,
  WORKER_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  WORKER_METRICS_PORT: int(0, 65535).default(9464),

  // Schedules (in TIME_ZONE)
  TIME_ZONE: timeZone.default('UTC'),
  POLLING_INTERVAL_MINUTES: int(1, 1440).default(15),
  PROCESS_SCHEDULE_CRON: z.string().min(1).default('5 * * * *'),
  SYNC_INTERVAL_MINUTES: int(1, 1440).default(30),
  RETRY_FAILED_SCHEDULE_CRON: z.string().min(1).default('30 */6 * * *'),
  CLEANUP_SCHEDULE_CRON: z.string().min(1).default('0 2 * * *'),

  // Devices
  ZKTECO_DEFAULT_PORT: port.default(4370),
  DEVICE_CONNECT_TIMEOUT_MS: int(100, 120_000).default(4000),
  DEVICE_REQUEST_TIMEOUT_MS: int(100, 300_000).default(10_000),
  DEVICE_POLL_MAX_ATTEMPTS: int(1, 20).default(3),
  LOG_CAPACITY_WARN_PERCENT: int(1, 100).default(80),

  // Push devices (ADMS / iclock receiver)
  ADMS_PORT: int(0, 65535).default(8081),
  ADMS_HOST: z.string().min(1).default('127.0.0.1'),
  ADMS_MAX_BODY_BYTES: int(1024, 64 * 1024 * 1024).default(2 * 1024 * 1024),
  ADMS_RATE_LIMIT_PER_MINUTE: int(0, 1_000_000).default(600),
  ADMS_POLL_INTERVAL_SECONDS: int(1, 3600).default(10),
  ADMS_COMMAND_TIMEOUT_MINUTES: int(1, 7 * 24 * 60).default(60),
  ADMS_TRUST_PROXY: flag.default(false),

  // Attendance rules: their defaults are the rules' own (lib/attendance/config.ts), defined once there
  WORK_START_TIME: clockTime.default(rules.workStart),
  WORK_END_TIME: clockTime.default(rules.workEnd),
  CLOCK_IN_EARLY_MINUTES: int(0, 1440).default(rules.clockInEarlyMinutes),
  CLOCK_IN_LATE_MINUTES: int(0, 1440).default(rules.clockInLateMinutes),
  CLOCK_OUT_EARLY_MINUTES: int(0, 1440).default(rules.clockOutEarlyMinutes),
  CLOCK_OUT_LATE_MINUTES: int(0, 1440).default(rules.clockOutLateMinutes),
  OVERNIGHT_SHIFT: flag.default(rules.overnightShift),
  OVERNIGHT_SHIFT_BUFFER_HOURS: int(0, 23).default(rules.overnightBufferHours),
  DAY_CHANGE_TIME: z.preprocess((value) => (value === '' ? undefined : value), clockTime.optional()),
  PUNCH_DEBOUNCE_SECONDS: int(0, 3600).default(rules.debounceSeconds),
  CLOCK_OFFSET_THRESHOLD_SECONDS: int(0, 86_400).default(rules.clockOffsetThresholdSeconds),
  RAW_RETENTION_DAYS: int(1, 36_500).default(90),
  LOG_RETENTION_DAYS: int(1, 36_500).default(180),

  // CRM
  CRM_API_URL: optionalUrl(['https:', 'http:']),
  CRM_API_TOKEN: optionalText,
  CRM_CA_FILE: optionalText,
  CRM_MAX_RETRIES: int(1, 20).default(3),
  CRM_SYNC_BATCH_SIZE: int(1, 10_000).default(100),
  CRM_REQUEST_TIMEOUT: int(1, 600).default(30),
  CRM_SYNC_CONCURRENCY: int(1, 64).default(4),
  CRM_DELIVERY_ON: z.enum(['workflow-worker', 'crm-queue']).default('workflow-worker'),
  CRM_RETRY_FAILED_ROUNDS: int(0, 100).default(4),

  // Web console
  CONSOLE_SITE_NAME: z.string().min(1).default('Attendance bridge'),
  CONSOLE_SESSION_HOURS: int(1, 24 * 90).default(12),
});

export type RawSettings = z.infer<typeof schema>;

/** Every setting's name, in the order above (the order of `.env.example`). */
export const settingNames = Object.keys(schema.shape) as (keyof RawSettings)[];

export interface Config extends RawSettings {
  /** DATA_DIR resolved against the working directory. */
  dataDir: string;
}

/** Parses settings; throws one ConfigurationError that lists every bad setting and what it allows. */
export function parseConfig(env: Record<string, string | undefined> = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined));
  const result = schema.safeParse(present);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const name = issue.path.join('.') || '(settings)';
      const given = env[String(issue.path[0])];
      const shown = isSecret(name) || given === undefined ? '' : ` (got ${JSON.stringify(given)})`;
      return `  ${name}: ${issue.message}${shown}`;
    });
    throw new ConfigurationError(`Invalid settings:\n${lines.join('\n')}`);
  }
  const settings = result.data;
  if (settings.TEMPORAL_TLS_CERT_FILE && !settings.TEMPORAL_TLS_KEY_FILE) {
    throw new ConfigurationError(
      'Invalid settings:\n  TEMPORAL_TLS_KEY_FILE: required when TEMPORAL_TLS_CERT_FILE is set',
    );
  }
  return { ...settings, dataDir: path.resolve(settings.DATA_DIR) };
}

/** Setting names whose values are never printed. */
export function isSecret(name: string): boolean {
  return /TOKEN|KEY|PASSWORD|SECRET/.test(name) || name === 'DATABASE_URL';
}
