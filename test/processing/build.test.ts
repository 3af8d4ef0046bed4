import { defaultRulesConfig } from '../../lib/attendance/index.js';
import { buildUsableDays, contentDigest, toDayRecord } from '../../lib/processing/index.js';
import { punch } from '../attendance/punches.js';

describe('buildUsableDays', () => {
  test('all punches usable: the same days as the rules give', () => {
    const { days, unusable } = buildUsableDays(
      [punch('2025-11-11T08:00:00', { id: '1' }), punch('2025-11-11T17:00:00', { id: '2' })],
      defaultRulesConfig,
    );
    expect(unusable).toEqual([]);
    expect(days).toHaveLength(1);
  });

  test('a punch the rules refuse is left out with its reason; the rest still make their days', () => {
    const skewed = {
      ...punch('2025-11-11T12:00:00', { id: '3' }),
      instant: new Date('2025-11-11T20:00:00Z'),
    };
    const unknownZone = {
      ...punch('2025-11-11T13:00:00', { id: '4', userId: 'EMP002' }),
      timezone: 'Mars/Base',
    };
    const { days, unusable } = buildUsableDays(
      [
        punch('2025-11-11T08:00:00', { id: '1' }),
        skewed,
        punch('2025-11-11T17:00:00', { id: '2' }),
        unknownZone,
      ],
      defaultRulesConfig,
    );
    expect(days.map((d) => [d.userId, d.punchIds])).toEqual([['EMP001', ['1', '2']]]);
    expect(unusable.map((u) => [u.punch.id, u.reason])).toEqual([
      ['3', expect.stringContaining('recompute it from the wall clock')],
      ['4', expect.stringContaining('"Mars/Base" is not an IANA zone name')],
    ]);
  });

  test('invalid rules still throw', () => {
    expect(() =>
      buildUsableDays([punch('2025-11-11T08:00:00')], { ...defaultRulesConfig, workStart: '25:00' }),
    ).toThrow('WORK_START_TIME');
  });
});

describe('toDayRecord', () => {
  test('stores punch ids in numeric order and a 64-character digest of the content', () => {
    const { days } = buildUsableDays(
      [punch('2025-11-11T08:00:00', { id: '10' }), punch('2025-11-11T17:00:00', { id: '9' })],
      defaultRulesConfig,
    );
    const record = toDayRecord(days[0]);
    expect(record.punchIds).toEqual(['9', '10']);
    expect(record.contentKey).toMatch(/^[0-9a-f]{64}$/);
    expect(record.contentKey).toBe(contentDigest(days[0]));
    expect(record).toMatchObject({
      clockInLocal: '2025-11-11T08:00:00',
      clockOutLocal: '2025-11-11T17:00:00',
    });
  });
});
