import { readTerminatedString } from './strings.js';

/** OPTIONS_RRQ data: the key, NUL-terminated ('~SerialNumber\0'). */
export function encodeOptionRequest(key: string): Buffer {
  return Buffer.from(`${key}\0`, 'latin1');
}

export function decodeOptionRequest(data: Buffer): string {
  return readTerminatedString(data);
}

/** OPTIONS_RRQ reply and OPTIONS_WRQ data: 'key=value\0'. The value may itself contain '='. */
export function encodeOption(key: string, value: string): Buffer {
  return Buffer.from(`${key}=${value}\0`, 'latin1');
}

export function decodeOptionReply(data: Buffer): { key: string; value: string } {
  const text = readTerminatedString(data);
  const separator = text.indexOf('=');
  if (separator === -1) return { key: text, value: '' };
  return { key: text.slice(0, separator), value: text.slice(separator + 1) };
}
