import { ConfigurationError } from '../../errors.js';
import type { DeviceUser, WallClock } from '../codec/index.js';
import {
  addSeconds,
  compareWallClock,
  dayOfWeek,
  parseCalendarDate,
  wallClockToNaiveSeconds,
} from './calendar.js';
import { FIRST_NAMES, LAST_NAMES } from './names.js';
import { createRandom, type Random } from './random.js';

/** One punch as the terminal keeps it: device wall-clock time, no zone. */
export interface SimPunch {
  userId: string;
  time: WallClock;
  verifyType: number;
  state: number;
}

/** What a simulated terminal starts with: its enrolled users and the punches in its log. */
export interface GeneratedLog {
  users: DeviceUser[];
  punches: SimPunch[];
}

export interface GeneratedLogOptions {
  seed: number | string;
  /** Enrolled users (uid 1..users). */
  users: number;
  /** Exact number of punches in the log. */
  punches: number;
  /** First day of the log, 'YYYY-MM-DD'. Fixed by default so a seed always gives the same log. */
  startDate?: string;
  /** Longest user id in digits (the terminal's PIN width; F18: 9, at most 24). */
  userIdWidth?: number;
}

/** A Monday, so the first week starts with a working day. */
export const DEFAULT_START_DATE = '2024-01-08';
export const DEFAULT_USER_ID_WIDTH = 9;

export const VerifyType = { Password: 0, Fingerprint: 1, Card: 2, Face: 15 } as const;
export const PunchState = { CheckIn: 0, CheckOut: 1, NoStateKey: 255 } as const;

const HOUR_SECONDS = 3600;
const MINUTE_SECONDS = 60;
/** Gives up rather than loop forever when the options cannot produce the requested punches. */
const MAX_DAYS = 40_000;

interface Worker {
  user: DeviceUser;
  shift: 'day' | 'night';
  verifyType: number;
  usesStateKeys: boolean;
  worksSaturday: boolean;
  punctualitySeconds: number;
}

/**
 * A realistic attendance log for a seed: day shifts around 08:00-17:00, night shifts across
 * midnight (20:00 -> 05:00), forgotten clock-outs, repeated punches within a minute, the odd
 * byte-identical duplicate, mostly fingerprint verification, states 0/1 or 255 for people who never
 * press a state key. Punches are in time order.
 */
export function generateLog(options: GeneratedLogOptions): GeneratedLog {
  const { userCount, punchCount, start, userIdWidth } = validate(options);
  const random = createRandom(options.seed);
  const workers = createWorkers(random.fork('users'), userCount, userIdWidth);
  const punchRandom = random.fork('punches');

  const generated: SimPunch[] = [];
  let day = start;
  let extraDays = punchCount > 0 ? 1 : 0;
  for (let dayIndex = 0; generated.length < punchCount || extraDays-- > 0; dayIndex++) {
    if (dayIndex >= MAX_DAYS) {
      throw new ConfigurationError(`could not generate ${punchCount} punches for ${userCount} users`);
    }
    for (const worker of workers) generated.push(...punchesForDay(worker, day, punchRandom));
    day = addSeconds(day, 24 * HOUR_SECONDS);
  }

  // Every day after the last generated one starts later than all it could add, so the first
  // `punchCount` in time order are complete.
  const punches = generated
    .map((punch, index) => ({ punch, index, at: wallClockToNaiveSeconds(punch.time) }))
    .sort((a, b) => a.at - b.at || a.index - b.index)
    .slice(0, punchCount)
    .map((entry) => entry.punch);
  const last = punches.at(-1);
  if (last && last.time.year > 2099) {
    throw new ConfigurationError(
      `${punchCount} punches from ${options.startDate ?? DEFAULT_START_DATE} run past 2099, ` +
        'which the device clock cannot store; use an earlier startDate or more users',
    );
  }
  return { users: workers.map((worker) => worker.user), punches };
}

function validate(options: GeneratedLogOptions) {
  const userIdWidth = options.userIdWidth ?? DEFAULT_USER_ID_WIDTH;
  const startText = options.startDate ?? DEFAULT_START_DATE;
  const start = parseCalendarDate(startText);
  if (!Number.isInteger(options.users) || options.users < 0 || options.users > 65_534) {
    throw new ConfigurationError(`users must be a whole number from 0 to 65534, got ${options.users}`);
  }
  if (!Number.isInteger(options.punches) || options.punches < 0) {
    throw new ConfigurationError(`punches must be a whole number >= 0, got ${options.punches}`);
  }
  if (options.punches > 0 && options.users === 0) {
    throw new ConfigurationError(`cannot generate ${options.punches} punches without users`);
  }
  if (!Number.isInteger(userIdWidth) || userIdWidth < 1 || userIdWidth > 24) {
    throw new ConfigurationError(`userIdWidth must be from 1 to 24 digits, got ${userIdWidth}`);
  }
  if (options.users > availableUserIds(userIdWidth) / 2) {
    throw new ConfigurationError(
      `userIdWidth ${userIdWidth} leaves too few distinct user ids for ${options.users} users`,
    );
  }
  if (!start || start.year < 2000 || start.year > 2099) {
    throw new ConfigurationError(
      `startDate must be a real date 'YYYY-MM-DD' in 2000-2099, got '${startText}'`,
    );
  }
  return { userCount: options.users, punchCount: options.punches, start, userIdWidth };
}

function shortestUserIdDigits(width: number): number {
  return Math.min(width, 3);
}

function availableUserIds(width: number): number {
  return 10 ** width - 10 ** (shortestUserIdDigits(width) - 1);
}

function createWorkers(random: Random, count: number, userIdWidth: number): Worker[] {
  const taken = new Set<string>();
  const workers: Worker[] = [];
  for (let index = 0; index < count; index++) {
    const verifyType = pickPrimaryVerify(random);
    const userId = uniqueUserId(random, userIdWidth, taken);
    const name = `${random.pick(FIRST_NAMES)} ${random.pick(LAST_NAMES)}`.slice(0, 24);
    workers.push({
      user: {
        uid: index + 1,
        userId,
        name,
        privilege: index === 0 ? 14 : random.chance(0.04) ? 2 : 0,
        password: verifyType === VerifyType.Password ? String(random.int(1000, 999_999)) : '',
        cardNumber: verifyType === VerifyType.Card ? random.int(100_000, 16_777_215) : 0,
        groupId: 1,
      },
      // The second user always works nights so that even small logs cross midnight.
      shift: index === 1 || random.chance(0.15) ? 'night' : 'day',
      verifyType,
      usesStateKeys: !random.chance(0.2),
      worksSaturday: random.chance(0.2),
      punctualitySeconds: Math.round(random.normal() * 6 * MINUTE_SECONDS),
    });
  }
  return workers;
}

function pickPrimaryVerify(random: Random): number {
  const roll = random.next();
  if (roll < 0.8) return VerifyType.Fingerprint;
  if (roll < 0.92) return VerifyType.Card;
  return VerifyType.Password;
}

function uniqueUserId(random: Random, width: number, taken: Set<string>): string {
  for (;;) {
    const digits = random.int(shortestUserIdDigits(width), width);
    let id = String(random.int(1, 9));
    while (id.length < digits) id += String(random.int(0, 9));
    if (!taken.has(id)) {
      taken.add(id);
      return id;
    }
  }
}

function punchesForDay(worker: Worker, day: WallClock, random: Random): SimPunch[] {
  const weekday = dayOfWeek(day);
  const working = (weekday >= 1 && weekday <= 5) || (weekday === 6 && worker.worksSaturday);
  if (!working || random.chance(0.04)) return [];

  const night = worker.shift === 'night';
  const inSeconds =
    (night ? 20 : 8) * HOUR_SECONDS + worker.punctualitySeconds + jitterSeconds(random, 8, 90);
  const overtimeSeconds = random.chance(0.1) ? random.int(1, 3) * HOUR_SECONDS : 0;
  const outSeconds = (night ? 29 : 17) * HOUR_SECONDS + overtimeSeconds + jitterSeconds(random, 15, 120);

  const punches: SimPunch[] = [];
  const forgotIn = random.chance(0.01);
  const forgotOut = !forgotIn && random.chance(0.03);
  if (!forgotIn) punches.push(...withRepeats(punchAt(worker, day, inSeconds, 'in', random), random));
  if (!forgotOut) punches.push(...withRepeats(punchAt(worker, day, outSeconds, 'out', random), random));
  return punches;
}

/** Normal spread in minutes, clipped so nobody clocks in at midnight by accident. */
function jitterSeconds(random: Random, sdMinutes: number, maxMinutes: number): number {
  const minutes = Math.max(-maxMinutes, Math.min(maxMinutes, random.normal() * sdMinutes));
  return Math.round(minutes * MINUTE_SECONDS);
}

function punchAt(
  worker: Worker,
  day: WallClock,
  secondsIntoDay: number,
  direction: 'in' | 'out',
  random: Random,
): SimPunch {
  let state: number = PunchState.NoStateKey;
  if (worker.usesStateKeys) {
    const pressedWrongKey = random.chance(0.03);
    const isIn = (direction === 'in') !== pressedWrongKey;
    state = isIn ? PunchState.CheckIn : PunchState.CheckOut;
  }
  return {
    userId: worker.user.userId,
    time: addSeconds(day, secondsIntoDay + random.int(0, 59)),
    // A wet finger or a forgotten card: people fall back to the fingerprint sensor.
    verifyType: random.chance(0.92) ? worker.verifyType : VerifyType.Fingerprint,
    state,
  };
}

/** People press again when the terminal seems slow; rarely the device logs the same second twice. */
function withRepeats(punch: SimPunch, random: Random): SimPunch[] {
  if (random.chance(0.03)) return [punch, { ...punch, time: addSeconds(punch.time, random.int(2, 50)) }];
  if (random.chance(0.003)) return [punch, { ...punch }];
  return [punch];
}

export function isTimeOrdered(punches: readonly SimPunch[]): boolean {
  for (let i = 1; i < punches.length; i++) {
    if (compareWallClock(punches[i - 1].time, punches[i].time) > 0) return false;
  }
  return true;
}
