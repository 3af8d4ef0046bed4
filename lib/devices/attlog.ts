import { isValidWallClock, type WallClock } from '../zk/codec/index.js';

export interface AttlogRecord {
  line: number;
  userId: string;
  time: WallClock;
  state: number;
  verifyType: number;
}

export interface AttlogProblem {
  line: number;
  message: string;
}

const TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/;

/**
 * Parses a ZKTeco USB attendance export (`<serial>_attlog.dat`): one punch a line, tab-separated
 * `user id, YYYY-MM-DD HH:MM:SS, state, verify type, work code, ...` (the same field order the
 * devices use when they push ATTLOG). The state and verify fields are optional (255 and 1 when
 * missing). A bad line is reported with its number and skipped; the good lines still count.
 */
export function parseAttlog(text: string): { records: AttlogRecord[]; problems: AttlogProblem[] } {
  const records: AttlogRecord[] = [];
  const problems: AttlogProblem[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    const fields = raw.split('\t').map((field) => field.trim());
    const [userId, when, state = '255', verify = '1'] = fields;
    if (!userId || fields.length < 2) {
      problems.push({ line, message: 'expected tab-separated "user id, date and time, ..."' });
      return;
    }
    if (userId.length > 24) {
      problems.push({
        line,
        message: `user id "${userId.slice(0, 30)}..." is longer than the device's 24 characters`,
      });
      return;
    }
    const match = TIME.exec(when);
    if (!match) {
      problems.push({ line, message: `"${when}" is not a date and time as YYYY-MM-DD HH:MM:SS` });
      return;
    }
    const [year, month, day, hour, minute, second] = match.slice(1).map(Number);
    const time = { year, month, day, hour, minute, second };
    if (!isValidWallClock(time)) {
      problems.push({ line, message: `"${when}" is not a real date and time` });
      return;
    }
    const stateNumber = Number(state === '' ? '255' : state);
    const verifyNumber = Number(verify === '' ? '1' : verify);
    if (!Number.isInteger(stateNumber) || stateNumber < 0 || stateNumber > 255) {
      problems.push({ line, message: `state "${state}" is not a number from 0 to 255` });
      return;
    }
    if (!Number.isInteger(verifyNumber) || verifyNumber < 0 || verifyNumber > 255) {
      problems.push({ line, message: `verify type "${verify}" is not a number from 0 to 255` });
      return;
    }
    records.push({ line, userId, time, state: stateNumber, verifyType: verifyNumber });
  });
  return { records, problems };
}
