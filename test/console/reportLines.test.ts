import { countLines, csvField, hoursText, toCsv, toReportLine } from '../../api/console/reportLines.js';
import type { DailyReportRow } from '../../lib/db/dailyReport.js';

const absent: DailyReportRow = {
  userId: '7',
  name: 'Zed',
  recordId: null,
  clockIn: null,
  clockInTimezone: null,
  clockOut: null,
  clockOutTimezone: null,
  deviceId: null,
  deviceName: null,
  punchCount: null,
  isOutlier: false,
  outlierReason: '',
  flags: [],
  synced: false,
  deliveryStatus: null,
};

const nightShift: DailyReportRow = {
  ...absent,
  userId: '8',
  name: '=HYPERLINK("http://evil.example")',
  recordId: 1,
  clockIn: new Date('2026-03-04T19:00:00Z'),
  clockInTimezone: 'Africa/Nairobi',
  clockOut: new Date('2026-03-05T03:30:00Z'),
  clockOutTimezone: 'Africa/Nairobi',
  deviceName: 'Gate, north',
  isOutlier: true,
  outlierReason: 'Clock-in too late',
  flags: ['Clock-in too late', 'Device clock 420 s off'],
  deliveryStatus: 'failed',
};

test('times are the device wall clock with the offset; the next day shows its date', () => {
  const line = toReportLine(nightShift, '2026-03-04');
  expect(line.clockIn).toBe('22:00 +03:00');
  expect(line.clockOut).toBe('2026-03-05 06:30 +03:00');
  expect(line.minutes).toBe(510);
  expect(line.flags).toEqual(['Clock-in too late', 'Device clock 420 s off']);
});

test('counts: absent ones count as absent, hours only from present ones', () => {
  const lines = [toReportLine(absent, '2026-03-04'), toReportLine(nightShift, '2026-03-04')];
  expect(countLines(lines)).toEqual({
    employees: 2,
    present: 1,
    absent: 1,
    outliers: 1,
    synced: 0,
    totalMinutes: 510,
  });
});

test.each([
  [null, ''],
  [0, '0:00'],
  [59, '0:59'],
  [510, '8:30'],
  [-5, '-0:05'],
])('hoursText(%p) = %p', (minutes, text) => {
  expect(hoursText(minutes)).toBe(text);
});

test.each([
  ['plain', 'plain'],
  ['a,b', '"a,b"'],
  ['say "hi"', '"say ""hi"""'],
  ['=1+2', "'=1+2"],
  ['+1', "'+1"],
  ['-1', "'-1"],
  ['@SUM(A1)', "'@SUM(A1)"],
  [' padded', '" padded"'],
  [12, '12'],
])('csvField(%p) = %p', (value, expected) => {
  expect(csvField(value)).toBe(expected);
});

test('the CSV has the header and one line per employee, formulas defused', () => {
  const csv = toCsv('2026-03-04', [
    toReportLine(nightShift, '2026-03-04'),
    toReportLine(absent, '2026-03-04'),
  ]);
  expect(csv.split('\r\n')).toEqual([
    'date,employee_id,name,status,clock_in,clock_out,hours,device,flags,synced',
    `2026-03-04,8,"'=HYPERLINK(""http://evil.example"")",present,22:00 +03:00,2026-03-05 06:30 +03:00,8.50,"Gate, north",Clock-in too late; Device clock 420 s off,no (failed)`,
    '2026-03-04,7,Zed,absent,,,,,,',
    '',
  ]);
});
