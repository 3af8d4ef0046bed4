import type { PunchInput } from '../../lib/attendance/index.js';
import { attendanceDayContentKey, buildAttendanceDays } from '../../lib/attendance/index.js';
import { punch, rules } from './punches.js';

function keysOf(punches: PunchInput[], cfg = rules()): string[] {
  return buildAttendanceDays(punches, cfg).map(attendanceDayContentKey);
}

const dayPunches = [
  punch('2025-11-11T08:15:30', { id: 'p1' }),
  punch('2025-11-11T12:00:00', { id: 'p2', deviceId: 2 }),
  punch('2025-11-11T17:30:00', { id: 'p3' }),
];

describe('attendanceDayContentKey', () => {
  test('is the same for the same punches in another order', () => {
    const [a, b, c] = dayPunches;
    expect(keysOf([c, a, b])).toEqual(keysOf([a, b, c]));
    expect(keysOf([b, c, a])).toEqual(keysOf([a, b, c]));
  });

  test('changes when a late punch moves the clock-out', () => {
    const late = punch('2025-11-11T18:45:00', { id: 'p4' });
    expect(keysOf([...dayPunches, late])).not.toEqual(keysOf(dayPunches));
  });

  test.each([
    ['a late punch that only adds a repeat', punch('2025-11-11T17:30:20', { id: 'p5' })],
    ['a late punch in the middle of the day', punch('2025-11-11T13:00:00', { id: 'p6' })],
    ['a punch from a new device', punch('2025-11-11T10:00:00', { id: 'p7', deviceId: 9 })],
  ])('changes for %s (the punch list is part of the record)', (_name, extra) => {
    expect(keysOf([...dayPunches, extra])).not.toEqual(keysOf(dayPunches));
  });

  test('changes when the outlier reason changes', () => {
    expect(keysOf(dayPunches, rules({ workStart: '05:00' }))).not.toEqual(keysOf(dayPunches));
  });

  test('changes when a flag appears', () => {
    const skewed = dayPunches.map((p) => ({ ...p, clockOffsetSeconds: 600 }));
    expect(keysOf(skewed)).not.toEqual(keysOf(dayPunches));
  });

  test('does not change for advisory fields (state code, verify type)', () => {
    const relabelled = dayPunches.map((p) => ({ ...p, state: 4, verifyType: 15 }));
    expect(keysOf(relabelled)).toEqual(keysOf(dayPunches));
  });

  test('differs between users and between days', () => {
    const other = dayPunches.map((p) => ({ ...p, userId: 'EMP002' }));
    expect(keysOf(other)).not.toEqual(keysOf(dayPunches));
    const [day] = buildAttendanceDays(dayPunches, rules());
    expect(attendanceDayContentKey({ ...day, date: '2025-11-12' })).not.toBe(attendanceDayContentKey(day));
  });
});
