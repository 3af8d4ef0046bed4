import { createHash } from 'node:crypto';

/**
 * Where a device's log stood when its punches were last stored: how many records, of which size,
 * and a digest of their bytes. A terminal's log only grows between clears, so a later read that
 * still starts with exactly those bytes holds nothing new before that point.
 */
export interface LogMark {
  recordCount: number;
  recordSize: number;
  prefixSha256: Buffer;
}

export interface LogRead {
  dataset: Buffer;
  recordSize: number;
  totalRecords: number;
}

export type ResumePoint =
  | { firstRecord: number; resumed: true }
  | { firstRecord: 0; resumed: false; reason: string };

/**
 * The first record of `read` that may not be stored yet. Anything that does not prove the log only
 * grew since `mark` (a shorter log, another record size, different bytes anywhere before the mark,
 * which is how a cleared and refilled or a rewritten log shows) means every record is stored again;
 * storing is idempotent, so being unsure costs time, never a punch.
 */
export function resumePoint(mark: LogMark | null, read: LogRead): ResumePoint {
  const full = (reason: string): ResumePoint => ({ firstRecord: 0, resumed: false, reason });
  if (!mark || mark.recordCount === 0) return full('no earlier read to resume from');
  if (mark.recordSize !== read.recordSize)
    return full(`the record size changed from ${mark.recordSize} to ${read.recordSize} bytes`);
  if (read.totalRecords < mark.recordCount)
    return full(`the log holds ${read.totalRecords} records, fewer than the ${mark.recordCount} read before`);
  const prefixBytes = mark.recordCount * mark.recordSize;
  if (read.dataset.length < prefixBytes) return full('the log is shorter than its record count says');
  if (!sha256(read.dataset.subarray(0, prefixBytes)).equals(mark.prefixSha256))
    return full(`the first ${mark.recordCount} records differ from the last read (cleared or rewritten)`);
  return { firstRecord: mark.recordCount, resumed: true };
}

/** The mark of a read whose every record is stored. */
export function markOf(read: LogRead): LogMark {
  return {
    recordCount: read.totalRecords,
    recordSize: read.recordSize,
    prefixSha256: sha256(read.dataset.subarray(0, read.totalRecords * read.recordSize)),
  };
}

function sha256(bytes: Buffer): Buffer {
  return createHash('sha256').update(bytes).digest();
}
