import { parseAttlog } from '../../lib/devices/attlog.js';

describe('parseAttlog', () => {
  test.each([
    ['1\t2025-11-11 08:15:30\t0\t1\t0\t0', { userId: '1', state: 0, verifyType: 1, hour: 8 }],
    [
      '    1000000049\t2025-11-11 17:30:00\t1\t15\t0\t0',
      { userId: '1000000049', state: 1, verifyType: 15, hour: 17 },
    ],
    ['EMP001\t2025-11-11 07:59:59', { userId: 'EMP001', state: 255, verifyType: 1, hour: 7 }],
    ['7\t2025-11-11T23:00:00\t4\t2\r', { userId: '7', state: 4, verifyType: 2, hour: 23 }],
  ])('%j', (line, expected) => {
    const { records, problems } = parseAttlog(line);
    expect(problems).toEqual([]);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      userId: expected.userId,
      state: expected.state,
      verifyType: expected.verifyType,
    });
    expect(records[0].time.hour).toBe(expected.hour);
  });

  test.each([
    ['1 2025-11-11 08:15:30', /tab-separated/],
    ['1\t11/11/2025 08:15', /not a date and time as YYYY-MM-DD HH:MM:SS/],
    ['1\t2025-02-30 08:15:30', /not a real date and time/],
    ['1\t2025-11-11 24:00:00', /not a real date and time/],
    ['1\t2025-11-11 08:15:30\tx', /state "x"/],
    ['1\t2025-11-11 08:15:30\t0\t300', /verify type "300"/],
    [`${'9'.repeat(25)}\t2025-11-11 08:15:30`, /longer than the device's 24 characters/],
  ])('bad line %j is reported, not guessed at', (line, message) => {
    const { records, problems } = parseAttlog(line);
    expect(records).toEqual([]);
    expect(problems).toHaveLength(1);
    expect(problems[0].line).toBe(1);
    expect(problems[0].message).toMatch(message);
  });

  test('good lines load around bad ones, with line numbers', () => {
    const text = [
      '1\t2025-11-11 08:00:00\t0\t1',
      'garbage',
      '',
      '2\t2025-11-11 08:01:00\t0\t1',
      '3\t2025-13-01 08:00:00',
    ].join('\n');
    const { records, problems } = parseAttlog(text);
    expect(records.map((r) => [r.line, r.userId])).toEqual([
      [1, '1'],
      [4, '2'],
    ]);
    expect(problems.map((p) => p.line)).toEqual([2, 5]);
  });
});
