import { formatDuration, formatOffset, formatPercent, formatTable, formatWhen } from '../../cli/format.js';
import { formatBytes, Progress, type ProgressTerminal, renderBar } from '../../cli/progress.js';

describe('durations, offsets and percentages read the way people say them', () => {
  test.each([
    [0, '0 s'],
    [45, '45 s'],
    [60, '1 min'],
    [185, '3 min 5 s'],
    [3600, '1 h'],
    [3605, '1 h'],
    [7800, '2 h 10 min'],
    [273_600, '3 d 4 h'],
  ])('%i seconds -> %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  test.each([
    [0, 'in step'],
    [2, '2 s ahead'],
    [-3780, '1 h 3 min behind'],
  ])('offset %i -> %s', (seconds, text) => {
    expect(formatOffset(seconds)).toBe(text);
  });

  test.each([
    [20_000, 100_000, '20%'],
    [99_999, 100_000, '99%'],
    [5, 0, '?'],
    [null, 100, '?'],
  ])('%p of %p -> %s', (part, whole, text) => {
    expect(formatPercent(part, whole)).toBe(text);
  });

  test('instants are shown in the bridge zone with how long ago they were', () => {
    const now = new Date('2025-11-11T06:00:00Z');
    expect(formatWhen(new Date('2025-11-11T05:55:00Z'), 'Africa/Nairobi', now)).toBe(
      '2025-11-11T08:55:00+03:00 (5 min ago)',
    );
    expect(formatWhen(new Date('2025-11-11T06:15:00Z'), 'UTC', now)).toBe(
      '2025-11-11T06:15:00+00:00 (in 15 min)',
    );
    expect(formatWhen(null, 'UTC', now)).toBe('never');
  });

  test('tables align every column but the last', () => {
    expect(
      formatTable([
        ['ID', 'NAME', 'STATE'],
        ['1', 'Main Office', 'enabled'],
        ['12', 'Gate', 'disabled'],
      ]),
    ).toEqual(['ID  NAME         STATE', '1   Main Office  enabled', '12  Gate         disabled']);
  });
});

describe('progress', () => {
  test.each([
    [0, 4 * 1024 * 1024, '[........................] 0% 0 B of 4.0 MB'],
    [1024 * 1024, 4 * 1024 * 1024, '[######..................] 25% 1.0 MB of 4.0 MB'],
    [3000, 3000, '[########################] 100% 2.9 KB of 2.9 KB'],
    [5000, 3000, '[########################] 100% 2.9 KB of 2.9 KB'],
    [0, 0, '[########################] 100% 0 B of 0 B'],
  ])('%i of %i bytes', (done, total, bar) => {
    expect(renderBar('Reading', done, total)).toBe(`Reading ${bar}`);
  });

  test.each([
    [512, '512 B'],
    [1536, '1.5 KB'],
    [5 * 1024 * 1024, '5.0 MB'],
  ])('%i bytes -> %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });

  function terminal(isTTY: boolean) {
    const events: string[] = [];
    const term: ProgressTerminal = {
      isTTY,
      redraw: (text) => events.push(`redraw:${text}`),
      line: (text) => events.push(`line:${text}`),
    };
    return { term, events };
  }

  test('without a terminal, a read prints a plain line where it starts and at each quarter, and so does the next', () => {
    const { term, events } = terminal(false);
    const progress = new Progress('Reading', term);
    progress.spin();
    for (let done = 0; done <= 100; done += 10) progress.update(done, 100);
    progress.update(100, 100);
    progress.update(50, 200);
    progress.finish();
    expect(events.every((e) => e.startsWith('line:Reading ['))).toBe(true);
    expect(events.map((e) => /(\d+)%/.exec(e)?.[1])).toEqual(['0', '30', '50', '80', '100', '25']);
  });

  test('on a terminal, the line is redrawn in place and cleared at the end', () => {
    const { term, events } = terminal(true);
    const progress = new Progress('Waiting', term);
    progress.spin();
    progress.spin();
    progress.update(50, 100);
    progress.finish();
    expect(events).toEqual([
      'redraw:Waiting |',
      'redraw:Waiting /',
      `redraw:${renderBar('Waiting', 50, 100)}`,
      'redraw:',
    ]);
  });
});
