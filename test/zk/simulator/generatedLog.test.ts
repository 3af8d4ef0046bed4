import { ConfigurationError } from '../../../lib/errors.js';
import { isValidWallClock } from '../../../lib/zk/codec/index.js';
import { wallClockToNaiveSeconds } from '../../../lib/zk/simulator/calendar.js';
import {
  DEFAULT_START_DATE,
  type GeneratedLog,
  generateLog,
  isTimeOrdered,
  PunchState,
  type SimPunch,
  VerifyType,
} from '../../../lib/zk/simulator/generatedLog.js';

const byUser = (punches: SimPunch[]): Map<string, SimPunch[]> => {
  const map = new Map<string, SimPunch[]>();
  for (const punch of punches) map.set(punch.userId, [...(map.get(punch.userId) ?? []), punch]);
  return map;
};

const seconds = (punch: SimPunch): number => wallClockToNaiveSeconds(punch.time);
const dateKey = (punch: SimPunch): string => `${punch.time.year}-${punch.time.month}-${punch.time.day}`;

describe('generateLog', () => {
  const log: GeneratedLog = generateLog({ seed: 7, users: 40, punches: 6000 });

  it('repeats exactly for a seed and differs between seeds', () => {
    expect(generateLog({ seed: 7, users: 40, punches: 6000 })).toEqual(log);
    expect(generateLog({ seed: 'device-1', users: 5, punches: 50 })).toEqual(
      generateLog({ seed: 'device-1', users: 5, punches: 50 }),
    );
    expect(generateLog({ seed: 8, users: 40, punches: 6000 })).not.toEqual(log);
  });

  it.each([
    [1, 1],
    [3, 0],
    [40, 6000],
    [200, 1234],
  ])('gives %i users and exactly %i punches', (users, punches) => {
    const result = generateLog({ seed: 1, users, punches });
    expect(result.users).toHaveLength(users);
    expect(result.punches).toHaveLength(punches);
    expect(result.users.map((user) => user.uid)).toEqual(Array.from({ length: users }, (_, i) => i + 1));
  });

  it('keeps punches in time order with valid device times from the fixed start date', () => {
    expect(isTimeOrdered(log.punches)).toBe(true);
    expect(log.punches.every((punch) => isValidWallClock(punch.time))).toBe(true);
    const first = log.punches[0].time;
    const pad = (n: number) => String(n).padStart(2, '0');
    expect(`${first.year}-${pad(first.month)}-${pad(first.day)}`).toBe(DEFAULT_START_DATE);
    const shifted = generateLog({ seed: 7, users: 5, punches: 20, startDate: '2031-03-03' });
    expect(shifted.punches[0].time).toMatchObject({ year: 2031, month: 3, day: 3 });
  });

  it('only has punches of enrolled users, with unique numeric ids no wider than the PIN width', () => {
    const ids = new Set(log.users.map((user) => user.userId));
    expect(ids.size).toBe(log.users.length);
    expect([...ids].every((id) => /^[1-9]\d{0,8}$/.test(id))).toBe(true);
    expect(log.punches.every((punch) => ids.has(punch.userId))).toBe(true);
    const wide = generateLog({ seed: 2, users: 30, punches: 10, userIdWidth: 24 });
    expect(wide.users.every((user) => /^[1-9]\d{2,23}$/.test(user.userId))).toBe(true);
    expect(wide.users.some((user) => user.userId.length > 9)).toBe(true);
  });

  it('gives users names, an administrator, passwords and cards that fit the device fields', () => {
    expect(log.users[0].privilege).toBe(14);
    for (const user of log.users) {
      expect(Buffer.byteLength(user.name, 'latin1')).toBeLessThanOrEqual(24);
      expect(Buffer.from(user.name, 'latin1').toString('latin1')).toBe(user.name);
      expect(user.password.length).toBeLessThanOrEqual(8);
      expect(user.cardNumber).toBeLessThan(2 ** 32);
    }
    expect(log.users.some((user) => user.cardNumber > 0)).toBe(true);
  });

  it('has day shifts around 08:00-17:00 and night shifts that cross midnight', () => {
    const hours = log.punches.map((punch) => punch.time.hour);
    expect(hours.filter((hour) => hour >= 7 && hour <= 9).length).toBeGreaterThan(log.punches.length / 4);
    expect(hours.filter((hour) => hour >= 16 && hour <= 20).length).toBeGreaterThan(log.punches.length / 4);
    const crossesMidnight = [...byUser(log.punches).values()].some((punches) =>
      punches.some(
        (punch, i) =>
          punch.time.hour >= 19 &&
          i + 1 < punches.length &&
          punches[i + 1].time.hour <= 6 &&
          dateKey(punches[i + 1]) !== dateKey(punch) &&
          seconds(punches[i + 1]) - seconds(punch) < 12 * 3600,
      ),
    );
    expect(crossesMidnight).toBe(true);
  });

  it('has forgotten clock-outs, repeats within a minute and identical duplicates', () => {
    let singleDays = 0;
    let repeats = 0;
    let identical = 0;
    for (const punches of byUser(log.punches).values()) {
      const perDay = new Map<string, number>();
      for (const punch of punches) perDay.set(dateKey(punch), (perDay.get(dateKey(punch)) ?? 0) + 1);
      singleDays += [...perDay.values()].filter((count) => count === 1).length;
      for (let i = 1; i < punches.length; i++) {
        const gap = seconds(punches[i]) - seconds(punches[i - 1]);
        if (gap > 0 && gap < 60) repeats++;
        if (gap === 0) identical++;
      }
    }
    expect(singleDays).toBeGreaterThan(0);
    expect(repeats).toBeGreaterThan(0);
    expect(identical).toBeGreaterThan(0);
  });

  it('verifies mostly by fingerprint, with cards and passwords, and states 0, 1 and 255', () => {
    const count = (predicate: (punch: SimPunch) => boolean) => log.punches.filter(predicate).length;
    expect(count((p) => p.verifyType === VerifyType.Fingerprint)).toBeGreaterThan(log.punches.length / 2);
    expect(count((p) => p.verifyType === VerifyType.Card)).toBeGreaterThan(0);
    expect(count((p) => p.verifyType === VerifyType.Password)).toBeGreaterThan(0);
    for (const state of Object.values(PunchState)) expect(count((p) => p.state === state)).toBeGreaterThan(0);
    expect(count((p) => ![0, 1, 255].includes(p.state))).toBe(0);
  });

  it.each([
    [{ users: -1, punches: 0 }, /users must be/],
    [{ users: 1.5, punches: 0 }, /users must be/],
    [{ users: 70_000, punches: 0 }, /users must be/],
    [{ users: 0, punches: 5 }, /without users/],
    [{ users: 1, punches: -2 }, /punches must be/],
    [{ users: 1, punches: 1, userIdWidth: 0 }, /userIdWidth/],
    [{ users: 1, punches: 1, userIdWidth: 25 }, /userIdWidth/],
    [{ users: 8, punches: 1, userIdWidth: 1 }, /too few distinct user ids/],
    [{ users: 1, punches: 1, startDate: '2024-02-30' }, /startDate/],
    [{ users: 1, punches: 1, startDate: '1999-12-31' }, /startDate/],
    [{ users: 1, punches: 5000, startDate: '2099-06-01' }, /past 2099/],
  ])('rejects %j', (options, message) => {
    const run = () => generateLog({ seed: 1, ...options });
    expect(run).toThrow(ConfigurationError);
    expect(run).toThrow(message);
  });
});
