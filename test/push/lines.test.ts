import fc from 'fast-check';
import { CommandRequest, commandText } from '../../lib/push/commands.js';
import { parseAttlogUpload, parseCommandResults, parseInfo, parseOperlog } from '../../lib/push/lines.js';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const goodLine = fc
  .record({
    pin: fc.stringMatching(/^[0-9A-Za-z]{1,24}$/),
    year: fc.integer({ min: 2000, max: 2099 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 28 }),
    hour: fc.integer({ min: 0, max: 23 }),
    minute: fc.integer({ min: 0, max: 59 }),
    second: fc.integer({ min: 0, max: 59 }),
    state: fc.integer({ min: 0, max: 255 }),
    verify: fc.integer({ min: 0, max: 255 }),
    extra: fc.array(fc.stringMatching(/^[0-9]{0,3}$/), { maxLength: 8 }),
  })
  .map((r) => ({
    ...r,
    text: [
      r.pin,
      `${r.year}-${pad(r.month)}-${pad(r.day)} ${pad(r.hour)}:${pad(r.minute)}:${pad(r.second)}`,
      String(r.state),
      String(r.verify),
      ...r.extra,
    ].join('\t'),
  }));
// Anything a broken or hostile client could send as a line: no line breaks (those split lines).
const junkLine = fc.string({ unit: 'binary', maxLength: 60 }).map((s) => s.replace(/[\r\n]/g, ''));

test('every well-formed ATTLOG line comes back with its fields, whatever junk sits between them', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.oneof(
          goodLine.map((g) => ({ good: g })),
          junkLine.map((j) => ({ junk: j })),
        ),
        { maxLength: 40 },
      ),
      fc.constantFrom('\n', '\r\n'),
      (lines, newline) => {
        const body = lines.map((l) => ('good' in l ? l.good.text : l.junk)).join(newline);
        const { records, problems } = parseAttlogUpload(body);
        const good = lines.flatMap((l) => ('good' in l ? [l.good] : []));
        // Junk may happen to be a valid line; the good lines are all there, in order, exactly.
        const wanted = good.map((g) => ({
          userId: g.pin,
          state: g.state,
          verifyType: g.verify,
          year: g.year,
        }));
        const found = records.map((r) => ({
          userId: r.userId,
          state: r.state,
          verifyType: r.verifyType,
          year: r.time.year,
        }));
        expect(found).toEqual(expect.arrayContaining(wanted));
        expect(records.length + problems.length).toBeLessThanOrEqual(lines.length);
        expect(records.length).toBeGreaterThanOrEqual(good.length);
        for (const record of records) expect(record.userId).not.toMatch(/[\u0000-\u001f\u007f]/);
        for (const problem of problems) expect(problem.line).toBeGreaterThanOrEqual(1);
      },
    ),
  );
});

test('no input makes a parser throw', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (body) => {
      parseAttlogUpload(body);
      parseOperlog(body);
      parseCommandResults(body);
      parseInfo(body);
    }),
  );
});

test('USER lines of OPERLOG give names; OPLOG lines count; others are problems', () => {
  const { users, otherRecords, problems } = parseOperlog(
    [
      'USER PIN=7\tName=Amina Otieno\tPri=14\tCard=12345',
      'OPLOG 4\t0\t2025-11-11 08:00:00\t0\t0\t0\t0',
      'HELLO',
      'USER Name=x',
    ].join('\n'),
  );
  expect(users).toEqual([{ userId: '7', name: 'Amina Otieno', privilege: 14, cardNumber: 12345 }]);
  expect(otherRecords).toBe(1);
  expect(problems.map((p) => p.line)).toEqual([3, 4]);
});

test('command results keep the lines that follow them', () => {
  const { results, problems } = parseCommandResults(
    'ID=12&Return=0&CMD=INFO\nUserCount=3\nID=13&Return=-1004&CMD=X\nID=bad\n',
  );
  expect(results).toEqual([
    { id: '12', returnCode: 0, command: 'INFO', detail: 'UserCount=3' },
    { id: '13', returnCode: -1004, command: 'X', detail: '' },
  ]);
  expect(problems).toHaveLength(1);
});

test.each([
  [{ command: 'INFO' }, 'INFO'],
  [{ command: 'REBOOT' }, 'REBOOT'],
  [
    { command: 'DATA QUERY ATTLOG', start_time: '2025-11-01 00:00:00', end_time: '2025-11-02 00:00:00' },
    'DATA QUERY ATTLOG StartTime=2025-11-01 00:00:00\tEndTime=2025-11-02 00:00:00',
  ],
  [{ command: 'SET OPTION', options: { Delay: '30' } }, 'SET OPTION Delay=30'],
])('%j is sent as %j', (request, text) => {
  expect(commandText(CommandRequest.parse(request))).toBe(text);
});

test.each([
  { command: 'CLEAR LOG' },
  { command: 'SET OPTION', options: { Delay: '30\nREBOOT' } },
  { command: 'DATA QUERY ATTLOG', start_time: '2025-11-02 00:00:00', end_time: '2025-11-01 00:00:00' },
  { command: 'DATA QUERY ATTLOG', start_time: '2025-11-02\t00:00:00', end_time: '2025-11-03 00:00:00' },
])('%j is refused', (request) => {
  expect(CommandRequest.safeParse(request).success).toBe(false);
});
