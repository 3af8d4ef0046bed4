import { type LogMark, markOf, resumePoint } from '../../lib/devices/logResume.js';

// A log of `count` records of `size` bytes whose bytes come from `seed` (records differ by seed).
function log(count: number, size = 40, seed = 1): Buffer {
  const bytes = Buffer.alloc(count * size);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + seed * 7 + Math.floor(i / size)) & 0xff;
  return bytes;
}
const read = (dataset: Buffer, recordSize = 40) => ({
  dataset,
  recordSize,
  totalRecords: dataset.length / recordSize,
});
const markAt = (count: number, size = 40, seed = 1): LogMark => markOf(read(log(count, size, seed), size));

function withByteChanged(bytes: Buffer, index: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[index] ^= 0xff;
  return copy;
}

describe('resumePoint', () => {
  test.each([
    ['first poll: no mark', null, read(log(100)), 0, /no earlier read/],
    ['an empty mark', markAt(0), read(log(100)), 0, /no earlier read/],
    ['unchanged log', markAt(100), read(log(100)), 100, null],
    ['log grew', markAt(100), read(log(150)), 100, null],
    ['log shrank (cleared and refilled)', markAt(100), read(log(60)), 0, /fewer than the 100/],
    ['log cleared', markAt(100), read(log(0)), 0, /fewer than the 100/],
    ['first record changed (rollover)', markAt(100), read(withByteChanged(log(120), 3)), 0, /differ/],
    [
      'record at the old boundary changed',
      markAt(100),
      read(withByteChanged(log(120), 99 * 40 + 5)),
      0,
      /differ/,
    ],
    ['a record in the middle changed', markAt(100), read(withByteChanged(log(120), 50 * 40)), 0, /differ/],
    ['a change past the mark is new data', markAt(100), read(withByteChanged(log(120), 100 * 40)), 100, null],
    ['another device answering at the address', markAt(100), read(log(200, 40, 9)), 0, /differ/],
    ['record size changed', markAt(100, 40), read(log(100, 49), 49), 0, /record size changed/],
  ] as [string, LogMark | null, ReturnType<typeof read>, number, RegExp | null][])(
    '%s',
    (_name, mark, current, firstRecord, reason) => {
      const point = resumePoint(mark, current);
      expect(point.firstRecord).toBe(firstRecord);
      expect(point.resumed).toBe(reason === null);
      if (!point.resumed && reason) expect(point.reason).toMatch(reason);
    },
  );
});
