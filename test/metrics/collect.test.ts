import { runCleanup } from '../../lib/cleanup/index.js';
import type { Sql } from '../../lib/db/connection.js';
import { insertDevice, recordPollFailure, recordPollSuccess } from '../../lib/db/devices.js';
import { queueCommand } from '../../lib/db/pushCommands.js';
import { recordPushContact } from '../../lib/db/pushDevices.js';
import { collectMetrics } from '../../lib/metrics/index.js';
import { processAll, setDelivery } from '../cleanup/fixtures.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { addPunches } from '../support/punches.js';
import { type ParsedFamily, parseExposition, sampleValue } from './parse.js';

const SECRET_USERS = ['EMP-7781-SECRET', 'EMP-4410-PRIVATE'];
const ODD_NAME = 'Back "Door" \\ Gate\nB';

let db: TestDatabase;
const ids: Record<'office' | 'back' | 'never' | 'disabled' | 'gate' | 'silent', number> = {
  office: 0,
  back: 0,
  never: 0,
  disabled: 0,
  gate: 0,
  silent: 0,
};

const observation = (recordCount: number, recordCapacity: number, clockOffsetSeconds: number) => ({
  serialNumber: 'SN-1',
  firmwareVersion: 'Ver 6.60',
  platform: 'ZMM220_TFT',
  reportedName: 'F18',
  userCount: 10,
  recordCount,
  recordCapacity,
  clockOffsetSeconds,
  capacityWarning: false,
});

async function addPollRuns(sql: Sql, deviceId: number, statuses: string[]): Promise<void> {
  for (const status of statuses) {
    await sql`insert into poll_runs (device_id, status) values (${deviceId}, ${status})`;
  }
}

async function addAttempts(sql: Sql, userId: string, date: string, outcomes: string[]): Promise<void> {
  for (const [i, outcome] of outcomes.entries()) {
    await sql`
      insert into delivery_attempts (attendance_day_id, revision, attempt, idempotency_key, duration_ms, outcome)
      select id, revision, ${i + 1}, ${`${userId}/${date}/${i}`}, 12, ${outcome}
      from attendance_days where user_id = ${userId} and date = ${date}::date`;
  }
}

beforeAll(async () => {
  db = await createTestDatabase();
  const sql = db.sql;
  const device = (name: string, host: string, enabled = true) =>
    insertDevice(sql, { name, host, port: 4370, commKey: 987654, timezone: 'UTC', enabled });
  const office = await device('Main Office', '10.77.0.1');
  const back = await device(ODD_NAME, '10.77.0.2');
  const never = await device('Never polled', '10.77.0.3');
  const disabled = await device('Old Gate', '10.77.0.4', false);
  Object.assign(ids, { office: office.id, back: back.id, never: never.id, disabled: disabled.id });
  // Push devices: one that pushed from an address that must not show, one never heard from, one disabled.
  const push = (name: string, serialNumber: string, enabled = true) =>
    insertDevice(sql, {
      name,
      transport: 'push',
      host: null,
      port: null,
      commKey: 0,
      timezone: 'UTC',
      serialNumber,
      pushKey: 'push-key-31337',
      enabled,
    });
  const gate = await push('Push Gate', 'SERIAL-HIDDEN-1');
  const silent = await push('Silent Gate', 'SERIAL-HIDDEN-2');
  await push('Old Push Gate', 'SERIAL-HIDDEN-3', false);
  Object.assign(ids, { gate: gate.id, silent: silent.id });
  await recordPushContact(sql, gate.id, { address: '10.77.0.9', upload: true, malformedLines: 3 });
  await queueCommand(sql, gate.id, 'INFO');
  await queueCommand(sql, gate.id, 'CHECK');

  await recordPollSuccess(sql, office.id, observation(800, 1000, -42));
  await recordPollSuccess(sql, back.id, observation(100, 50_000, 7));
  await recordPollFailure(sql, back.id, 'device 10.77.0.2:4370 did not answer');
  await recordPollFailure(sql, back.id, 'device 10.77.0.2:4370 did not answer');
  await recordPollSuccess(sql, disabled.id, observation(10, 100, 3));
  await addPollRuns(sql, office.id, ['succeeded', 'succeeded', 'failed', 'succeeded', 'running']);
  await addPollRuns(sql, back.id, ['failed', 'failed']);

  const [emp, other] = SECRET_USERS;
  await addPunches(sql, { id: office.id, timezone: 'UTC' }, [
    [emp, '2025-11-03T08:00:00'],
    [emp, '2025-11-03T17:00:00'],
    [emp, '2025-11-04T08:00:00'],
    [emp, '2025-11-05T08:00:00'],
    [emp, '2025-11-06T08:00:00'],
  ]);
  await processAll(sql);
  await setDelivery(sql, emp, '2025-11-03', 'delivered');
  await setDelivery(sql, emp, '2025-11-05', 'failed');
  await setDelivery(sql, emp, '2025-11-06', 'rejected');
  await addAttempts(sql, emp, '2025-11-03', ['transient', 'transient', 'delivered']);
  await addAttempts(sql, emp, '2025-11-05', ['transient']);
  await addAttempts(sql, emp, '2025-11-06', ['rejected']);

  // Two punches waiting for processing, stored ten minutes and one minute ago.
  await addPunches(sql, { id: back.id, timezone: 'UTC' }, [
    [other, '2025-11-07T08:00:00'],
    [other, '2025-11-07T09:00:00'],
  ]);
  await sql`update raw_punches set created_at = now() - interval '10 minutes'
            where user_id = ${other} and punched_at_local = '2025-11-07T08:00:00'`;
  await sql`update raw_punches set created_at = now() - interval '1 minute'
            where user_id = ${other} and punched_at_local = '2025-11-07T09:00:00'`;
});
afterAll(async () => {
  await db?.drop();
});

const deviceLabels = (id: number) => ({ device: String(id) });

function expectSeededFigures(metrics: Map<string, ParsedFamily>): void {
  const v = (name: string, labels?: Record<string, string>) => sampleValue(metrics, name, labels);
  expect(v('bridge_polls_total', { status: 'succeeded' })).toBe(3);
  expect(v('bridge_polls_total', { status: 'failed' })).toBe(3);
  expect(v('bridge_punches_stored_total')).toBe(7);
  expect(v('bridge_unprocessed_punches')).toBe(2);
  expect(v('bridge_delivery_attempts_total', { outcome: 'delivered' })).toBe(1);
  expect(v('bridge_delivery_attempts_total', { outcome: 'transient' })).toBe(3);
  expect(v('bridge_delivery_attempts_total', { outcome: 'rejected' })).toBe(1);
  expect(v('bridge_records_pending_delivery', { status: 'pending' })).toBe(1);
  expect(v('bridge_records_pending_delivery', { status: 'failed' })).toBe(1);
  expect(v('bridge_records_pending_delivery', { status: 'rejected' })).toBe(1);
}

test('the text parses, and every figure matches the seeded database', async () => {
  const text = await collectMetrics(db.sql);
  const metrics = parseExposition(text);
  const v = (name: string, labels?: Record<string, string>) => sampleValue(metrics, name, labels);

  expectSeededFigures(metrics);
  expect(v('bridge_punches_deleted_total')).toBe(0);
  // Stored ten minutes ago; the upper bound only guards against a wrong unit.
  expect(v('bridge_oldest_unprocessed_punch_age_seconds')).toBeGreaterThanOrEqual(600);
  expect(v('bridge_oldest_unprocessed_punch_age_seconds')).toBeLessThan(3600);

  expect(v('bridge_devices_enabled')).toBe(3);
  expect(v('bridge_devices_up')).toBe(1);
  const office = deviceLabels(ids.office);
  const back = deviceLabels(ids.back);
  const never = deviceLabels(ids.never);
  expect(v('bridge_device_up', office)).toBe(1);
  expect(v('bridge_device_up', back)).toBe(0);
  expect(v('bridge_device_up', never)).toBe(0);
  expect(v('bridge_device_consecutive_failures', office)).toBe(0);
  expect(v('bridge_device_consecutive_failures', back)).toBe(2);
  expect(v('bridge_device_consecutive_failures', never)).toBe(0);
  expect(v('bridge_device_clock_offset_seconds', office)).toBe(-42);
  expect(v('bridge_device_clock_offset_seconds', back)).toBe(7);
  expect(v('bridge_device_clock_offset_seconds', never)).toBeUndefined();
  expect(v('bridge_device_log_used_ratio', office)).toBeCloseTo(0.8, 10);
  expect(v('bridge_device_log_used_ratio', back)).toBeCloseTo(0.002, 10);
  expect(v('bridge_device_log_used_ratio', never)).toBeUndefined();
  expect(v('bridge_device_last_success_timestamp_seconds', office)).toBeGreaterThan(
    Date.UTC(2025, 0, 1) / 1000,
  );
  expect(v('bridge_device_last_success_timestamp_seconds', never)).toBeUndefined();

  // The odd name comes back exactly, escapes undone; a disabled device has no series at all.
  expect(metrics.get('bridge_device_up')?.samples.map((s) => s.labels)).toEqual([
    { device: String(ids.office), device_name: 'Main Office' },
    { device: String(ids.back), device_name: ODD_NAME },
    { device: String(ids.never), device_name: 'Never polled' },
  ]);
  expect(text).not.toContain('Old Gate');
  expect(text).not.toContain('Old Push Gate');

  // Push devices are never polled: they have push figures, not poll ones.
  expect(v('bridge_push_devices_enabled')).toBe(2);
  const gate = deviceLabels(ids.gate);
  const silent = deviceLabels(ids.silent);
  expect(v('bridge_device_up', gate)).toBeUndefined();
  expect(v('bridge_push_device_pending_commands', gate)).toBe(2);
  expect(v('bridge_push_device_pending_commands', silent)).toBe(0);
  expect(v('bridge_push_device_malformed_lines_total', gate)).toBe(3);
  const contact = v('bridge_push_device_last_contact_timestamp_seconds', gate) ?? 0;
  expect(Math.abs(contact - Date.now() / 1000)).toBeLessThan(3600);
  expect(v('bridge_push_device_last_upload_timestamp_seconds', gate)).toBe(contact);
  expect(v('bridge_push_device_last_contact_timestamp_seconds', silent)).toBeUndefined();
  expect(metrics.get('bridge_push_device_pending_commands')?.samples.map((s) => s.labels)).toEqual([
    { device: String(ids.gate), device_name: 'Push Gate' },
    { device: String(ids.silent), device_name: 'Silent Gate' },
  ]);

  const types = Object.fromEntries([...metrics.values()].map((f) => [f.name, f.type]));
  for (const [name, type] of Object.entries(types)) {
    expect({ name, type }).toEqual({ name, type: name.endsWith('_total') ? 'counter' : 'gauge' });
  }
});

test('no attendance data and no device address or comm key appear in the text', async () => {
  const text = await collectMetrics(db.sql);
  for (const secret of [...SECRET_USERS, '987654', '10.77.0.', 'EMP', 'SERIAL-HIDDEN', 'push-key-31337']) {
    expect({ secret, found: text.includes(secret) }).toEqual({ secret, found: false });
  }
  const labelNames = new Set(
    [...parseExposition(text).values()].flatMap((f) => f.samples.flatMap((s) => Object.keys(s.labels))),
  );
  expect([...labelNames].sort()).toEqual(['device', 'device_name', 'outcome', 'status']);
});

test('counters never go down when the cleanup deletes punches and prunes the logs', async () => {
  // Measured from 400 days ahead, everything is past retention.
  const counts = await runCleanup(db.sql, {
    retentionDays: 90,
    logRetentionDays: 180,
    now: new Date(Date.now() + 400 * 86_400_000),
  });
  expect(counts).toEqual({ punchesDeleted: 2, duplicatesRemoved: 0, pollRunsDeleted: 5, attemptsDeleted: 2 });

  const metrics = parseExposition(await collectMetrics(db.sql));
  expectSeededFigures(metrics);
  expect(sampleValue(metrics, 'bridge_punches_deleted_total')).toBe(2);
});
