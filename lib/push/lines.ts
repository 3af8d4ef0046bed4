/**
 * The bodies and query values push (ADMS / iclock) devices send, as pure functions (PROTOCOL.md §14).
 * Every parser returns what it could read and what it could not, line by line: one bad line never
 * costs the good lines of the same post.
 */
import { type AttlogRecord, parseAttlog } from '../devices/attlog.js';

export interface LineProblem {
  line: number;
  message: string;
}

// PostgreSQL text cannot hold NUL, and no terminal puts control characters in a user id.
const CONTROL = /[\u0000-\u001f\u007f]/;

/** `table=ATTLOG`: `PIN \t YYYY-MM-DD HH:MM:SS \t status \t verify \t workcode ...`, one punch a line. */
export function parseAttlogUpload(body: string): { records: AttlogRecord[]; problems: LineProblem[] } {
  const parsed = parseAttlog(body);
  const records: AttlogRecord[] = [];
  const problems = [...parsed.problems];
  for (const record of parsed.records) {
    if (CONTROL.test(record.userId)) {
      problems.push({ line: record.line, message: 'user id contains control characters' });
    } else {
      records.push(record);
    }
  }
  problems.sort((a, b) => a.line - b.line);
  return { records, problems };
}

export interface PushedUser {
  userId: string;
  name: string;
  privilege: number;
  cardNumber: number;
}

/** `table=OPERLOG`: `USER PIN=..\tName=..` lines give names; `OPLOG` and `FP` lines are taken, not kept. */
export function parseOperlog(body: string): {
  users: PushedUser[];
  otherRecords: number;
  problems: LineProblem[];
} {
  const users: PushedUser[] = [];
  const problems: LineProblem[] = [];
  let otherRecords = 0;
  splitLines(body).forEach(({ text, line }) => {
    const space = text.indexOf(' ');
    const kind = space === -1 ? text : text.slice(0, space);
    if (kind === 'OPLOG' || kind === 'FP' || kind === 'FACE' || kind === 'BIODATA' || kind === 'USERPIC') {
      otherRecords++;
      return;
    }
    if (kind !== 'USER') {
      problems.push({ line, message: `"${clip(kind)}" is not an operation-log record (USER, OPLOG, FP)` });
      return;
    }
    const fields = keyValues(text.slice(space + 1), '\t');
    const userId = fields.get('PIN') ?? '';
    if (userId === '' || userId.length > 24 || CONTROL.test(userId)) {
      problems.push({ line, message: 'USER line without a usable PIN' });
      return;
    }
    users.push({
      userId,
      name: (fields.get('Name') ?? '').replace(CONTROL, '').slice(0, 100),
      privilege: smallNumber(fields.get('Pri')),
      cardNumber: cardNumber(fields.get('Card')),
    });
  });
  return { users, otherRecords, problems };
}

export interface CommandResult {
  id: string;
  returnCode: number;
  command: string;
  /** Lines the device sent after the result line (INFO sends its values this way). */
  detail: string;
}

/** `devicecmd`: `ID=<id>&Return=<code>&CMD=<cmd>` lines, several to a post, each maybe followed by data. */
export function parseCommandResults(body: string): { results: CommandResult[]; problems: LineProblem[] } {
  const results: CommandResult[] = [];
  const problems: LineProblem[] = [];
  for (const { text, line } of splitLines(body)) {
    if (!text.startsWith('ID=')) {
      const last = results.at(-1);
      if (last) last.detail = last.detail === '' ? text : `${last.detail}\n${text}`;
      else problems.push({ line, message: 'expected "ID=<id>&Return=<code>&CMD=<command>"' });
      continue;
    }
    const fields = keyValues(text, '&');
    const id = fields.get('ID') ?? '';
    const code = fields.get('Return') ?? '';
    if (!/^[A-Za-z0-9]{1,16}$/.test(id) || !/^-?\d{1,10}$/.test(code)) {
      problems.push({ line, message: 'command result without a valid ID and Return code' });
      continue;
    }
    results.push({
      id,
      returnCode: Number(code),
      command: (fields.get('CMD') ?? '').slice(0, 100),
      detail: '',
    });
  }
  return { results, problems };
}

/** `table=options`: `key=value` pairs separated by commas (or lines). */
export function parseOptionsBody(body: string): Map<string, string> {
  const options = new Map<string, string>();
  for (const part of body.split(/[,\r\n]+/)) {
    const equals = part.indexOf('=');
    if (equals <= 0) continue;
    const key = part.slice(0, equals).trim();
    if (/^[~\w.]{1,64}$/.test(key))
      options.set(
        key,
        part
          .slice(equals + 1)
          .trim()
          .replace(CONTROL, ''),
      );
  }
  return options;
}

export interface DeviceInfoReport {
  firmwareVersion: string | null;
  userCount: number | null;
  fingerprintCount: number | null;
  recordCount: number | null;
  address: string | null;
}

/** getrequest's `INFO=<fw>,<users>,<fps>,<attlogs>,<ip>,...`; a field that is not a count is null. */
export function parseInfo(value: string): DeviceInfoReport {
  const [firmware, users, fingerprints, records, address] = value.split(',').map((part) => part.trim());
  const count = (text: string | undefined) => (text && /^\d{1,9}$/.test(text) ? Number(text) : null);
  const clean = (text: string | undefined) =>
    text && !CONTROL.test(text) && text.length <= 100 ? text : null;
  return {
    firmwareVersion: clean(firmware),
    userCount: count(users),
    fingerprintCount: count(fingerprints),
    recordCount: count(records),
    address: clean(address),
  };
}

function splitLines(body: string): { text: string; line: number }[] {
  return body
    .split(/\r?\n/)
    .map((text, index) => ({ text: text.trim(), line: index + 1 }))
    .filter(({ text }) => text !== '');
}

function keyValues(text: string, separator: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const part of text.split(separator)) {
    const equals = part.indexOf('=');
    if (equals > 0) values.set(part.slice(0, equals).trim(), part.slice(equals + 1).trim());
  }
  return values;
}

function smallNumber(text: string | undefined): number {
  const value = Number(text);
  return Number.isInteger(value) && value >= 0 && value <= 255 ? value : 0;
}

function cardNumber(text: string | undefined): number {
  if (!text || !/^\d{1,15}$/.test(text)) return 0;
  return Number(text);
}

function clip(text: string): string {
  return text.length > 20 ? `${text.slice(0, 20)}...` : text.replace(CONTROL, '?');
}
