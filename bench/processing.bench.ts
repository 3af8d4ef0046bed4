/**
 * Attendance processing: 1,000,000 raw punches (2,000 users x 250 days x 2, five devices in four
 * zones) processed from scratch; then, with every record delivered, 1,000 late punches spread over
 * past days processed incrementally; then a run with nothing new, and a 30-day range rebuilt from
 * raw. Each phase runs in a child process of its own, so its peak RSS is its own.
 *
 * Scale and batch size can be changed for profiling: BENCH_USERS, BENCH_DAYS, BENCH_BATCH_SIZE;
 * BENCH_CPU_PROF_DIR writes a V8 CPU profile of each phase there.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { rulesConfigFromConfig } from '../lib/attendance/fromConfig.js';
import { parseConfig } from '../lib/config.js';
import { connect, type Sql } from '../lib/db/connection.js';
import { insertDevice } from '../lib/db/devices.js';
import { createLogger } from '../lib/logger.js';
import {
  DEFAULT_PUNCH_BATCH_SIZE,
  type ProcessingCounts,
  processDateRange,
  processPendingPunches,
} from '../lib/processing/index.js';
import { addDays } from '../lib/time/naive.js';
import { benchServices, freshDatabase, peakRssMiB, report } from './support.js';

const USERS = Number(process.env.BENCH_USERS ?? 2000);
const DAYS = Number(process.env.BENCH_DAYS ?? 250);
const BATCH_SIZE = Number(process.env.BENCH_BATCH_SIZE ?? DEFAULT_PUNCH_BATCH_SIZE);
const LATE_PUNCHES = 1000;
const FIRST_DAY = '2025-01-06';
const RANGE_DAYS = 30;
const RANGE_START_DAY = Math.max(0, Math.min(100, DAYS - RANGE_DAYS));
const ROWS_PER_INSERT = 20_000;

// Zones without daylight saving plus Berlin: the punches fall in working hours, never in a DST gap.
const DEVICES = [
  { name: 'Main Office', timezone: 'Europe/Istanbul' },
  { name: 'Warehouse', timezone: 'Africa/Nairobi' },
  { name: 'Pune Plant', timezone: 'Asia/Kolkata' },
  { name: 'Berlin Office', timezone: 'Europe/Berlin' },
  { name: 'Canteen', timezone: 'Europe/Istanbul' },
];

type Phase = 'scratch' | 'late' | 'nothing-new' | 'range';

interface PhaseResult {
  seconds: number;
  peakRssMiB: number;
  counts: ProcessingCounts;
}

/** A small seeded generator, so every run measures the same punches. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function wallClock(date: string, secondsOfDay: number): string {
  const s = Math.max(0, Math.min(86_399, Math.round(secondsOfDay)));
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date}T${pad(Math.floor(s / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
}

interface NewRow {
  deviceId: number;
  userId: string;
  local: string;
  timezone: string;
}

/**
 * Multi-row insert through arrays (11 parameters a statement whatever the row count); PostgreSQL
 * computes the instant from the wall clock and the device zone, as ingest does in TypeScript.
 */
async function insertRows(sql: Sql, rows: NewRow[]): Promise<number> {
  let inserted = 0;
  for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
    const chunk = rows.slice(start, start + ROWS_PER_INSERT);
    const result = await sql`
      insert into raw_punches
        (device_id, user_id, punched_at_local, punched_at, timezone, verify_type, punch_state, source)
      select d, u, l, l at time zone z, z, 1, 255, 'poll'
      from unnest(${chunk.map((r) => r.deviceId)}::int[], ${chunk.map((r) => r.userId)}::text[],
                  ${chunk.map((r) => r.local)}::timestamp[], ${chunk.map((r) => r.timezone)}::text[])
        as r(d, u, l, z)
      on conflict on constraint raw_punches_identity do nothing`;
    inserted += result.count;
  }
  return inserted;
}

async function seedPunches(sql: Sql, devices: { id: number; timezone: string }[]): Promise<number> {
  const next = random(42);
  const normal = () => (next() + next() + next() + next() - 2) * 1.7;
  let inserted = 0;
  // Day by day, as polls bring them in: ids follow the days.
  for (let d = 0; d < DAYS; d++) {
    const date = addDays(FIRST_DAY, d);
    const rows: NewRow[] = [];
    for (let u = 0; u < USERS; u++) {
      const home = devices[u % 4];
      const userId = `EMP${String(u).padStart(5, '0')}`;
      const roll = next();
      // About 3% of days are outliers: very early in, or very late out.
      const inSeconds = roll < 0.015 ? 5 * 3600 + next() * 3000 : 8 * 3600 + normal() * 1500;
      const outSeconds = roll > 0.985 ? 21 * 3600 + next() * 5000 : 17.5 * 3600 + normal() * 2700;
      const outDevice = next() < 0.05 ? devices[4] : home;
      rows.push({ deviceId: home.id, userId, local: wallClock(date, inSeconds), timezone: home.timezone });
      rows.push({
        deviceId: outDevice.id,
        userId,
        local: wallClock(date, outSeconds),
        timezone: outDevice.timezone,
      });
    }
    inserted += await insertRows(sql, rows);
  }
  return inserted;
}

/** Late punches from a terminal that was offline: a later clock-out, an earlier clock-in, or a lunch break. */
async function seedLatePunches(sql: Sql, devices: { id: number; timezone: string }[]): Promise<number> {
  const next = random(7);
  const rows: NewRow[] = [];
  for (let i = 0; i < LATE_PUNCHES; i++) {
    const u = Math.floor(next() * USERS);
    const date = addDays(FIRST_DAY, Math.floor(next() * (DAYS - 1)));
    const kind = next();
    const seconds =
      kind < 0.4
        ? 19 * 3600 + next() * 3600
        : kind < 0.7
          ? 7 * 3600 + next() * 1200
          : 12 * 3600 + next() * 3600;
    const device = devices[4];
    rows.push({
      deviceId: device.id,
      userId: `EMP${String(u).padStart(5, '0')}`,
      local: wallClock(date, seconds),
      timezone: device.timezone,
    });
  }
  return insertRows(sql, rows);
}

/** Runs one phase in this process (the child side). */
async function runPhase(phase: Phase, databaseUrl: string): Promise<PhaseResult> {
  const sql = connect(databaseUrl, { max: 2 });
  const rules = rulesConfigFromConfig(parseConfig({}));
  const logger = createLogger('warn');
  // A worker's pool is connected long before the hourly run; connecting is not processing.
  await sql`select 1`;
  const started = performance.now();
  let counts: ProcessingCounts;
  if (phase === 'range') {
    counts = await processDateRange(sql, rules, {
      startDate: addDays(FIRST_DAY, RANGE_START_DAY),
      endDate: addDays(FIRST_DAY, RANGE_START_DAY + RANGE_DAYS - 1),
      logger,
    });
  } else {
    const { morePending: _, ...pending } = await processPendingPunches(sql, rules, {
      batchSize: BATCH_SIZE,
      logger,
    });
    counts = pending;
  }
  const seconds = (performance.now() - started) / 1000;
  await sql.end({ timeout: 5 });
  return { seconds, peakRssMiB: peakRssMiB(), counts };
}

/** Runs one phase in a child process and reads its result line. */
function phaseInChild(phase: Phase, databaseUrl: string): PhaseResult {
  const profile = process.env.BENCH_CPU_PROF_DIR
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}`]
    : [];
  const child = spawnSync(process.execPath, [...profile, '--import', 'tsx', fileURLToPath(import.meta.url)], {
    env: { ...process.env, BENCH_PHASE: phase, BENCH_PHASE_DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (child.status !== 0) throw new Error(`phase ${phase} exited with ${child.status}`);
  const line = child.stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line) as PhaseResult;
}

function describeCounts(c: ProcessingCounts): string {
  return (
    `${c.punchesProcessed} punches, ${c.daysCreated} created, ${c.daysRevised} revised, ` +
    `${c.daysUnchanged} unchanged, ${c.outliers} outliers, ${c.failed} failed`
  );
}

async function main(): Promise<void> {
  const services = await benchServices({ temporal: false });
  const db = await freshDatabase(services.databaseUrl, 'processing', { max: 2 });
  try {
    const devices = [];
    for (const [i, d] of DEVICES.entries()) {
      const device = await insertDevice(db.sql, {
        ...d,
        host: `192.168.1.${100 + i}`,
        port: 4370,
        commKey: 0,
      });
      devices.push({ id: device.id, timezone: device.timezone });
    }
    const seedStarted = performance.now();
    const seeded = await seedPunches(db.sql, devices);
    // Punches that arrived over months would have been vacuumed and analysed by now.
    await db.sql.unsafe('vacuum analyze raw_punches');
    const seedSeconds = (performance.now() - seedStarted) / 1000;

    const scratch = phaseInChild('scratch', db.url);
    // The CRM has every record: a late punch must put its day back in the delivery queue.
    await db.sql`
      update attendance_days set delivery_status = 'delivered', delivered_revision = revision, delivered_at = now()`;
    // Deliveries spread over months leave no backlog for autovacuum; this one-off update would.
    await db.sql.unsafe('vacuum analyze raw_punches, attendance_days');
    const late = await seedLatePunches(db.sql, devices);
    const incremental = phaseInChild('late', db.url);
    const [pending] = await db.sql<{ count: number }[]>`
      select count(*)::int as count from attendance_days where delivery_status = 'pending'`;
    const nothingNew = phaseInChild('nothing-new', db.url);
    const range = phaseInChild('range', db.url);

    report({
      'raw punches stored (users x days x 2)': `${seeded} (${USERS} x ${DAYS} x 2), in ${seedSeconds.toFixed(1)} s`,
      'batch size (punches per transaction)': BATCH_SIZE,
      'from scratch: seconds': scratch.seconds.toFixed(1),
      'from scratch: punches/s': Math.round(scratch.counts.punchesProcessed / scratch.seconds),
      'from scratch: peak RSS MiB': scratch.peakRssMiB,
      'from scratch: counts': describeCounts(scratch.counts),
      'late punches stored': late,
      'incremental (late punches): seconds': incremental.seconds.toFixed(2),
      'incremental (late punches): peak RSS MiB': incremental.peakRssMiB,
      'incremental (late punches): counts': describeCounts(incremental.counts),
      'records pending delivery again': pending.count,
      'nothing new: seconds': nothingNew.seconds.toFixed(3),
      'nothing new: counts': describeCounts(nothingNew.counts),
      [`range of ${RANGE_DAYS} days rebuilt from raw: seconds`]: range.seconds.toFixed(1),
      [`range of ${RANGE_DAYS} days: peak RSS MiB`]: range.peakRssMiB,
      [`range of ${RANGE_DAYS} days: counts`]: describeCounts(range.counts),
    });
  } finally {
    await db.drop();
    await services.stop();
  }
}

const phase = process.env.BENCH_PHASE as Phase | undefined;
if (phase) {
  const result = await runPhase(phase, process.env.BENCH_PHASE_DATABASE_URL ?? '');
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  await main();
}
