import { InvalidRecordError } from '../../errors.js';

/** A fixed-width device string: latin1, ending at the first NUL (bytes after it can be garbage). */
export function readFixedString(bytes: Buffer, offset: number, width: number): string {
  const field = bytes.subarray(offset, offset + width);
  const end = field.indexOf(0);
  return field.toString('latin1', 0, end === -1 ? field.length : end);
}

/** Writes `value` NUL-padded into `width` bytes; a value that does not fit is refused, never cut. */
export function writeFixedString(
  target: Buffer,
  offset: number,
  width: number,
  value: string,
  field: string,
) {
  const encoded = Buffer.from(value, 'latin1');
  if (encoded.length > width) {
    throw new InvalidRecordError(`${field} '${value}' is ${encoded.length} bytes; the field holds ${width}`);
  }
  if (encoded.includes(0)) {
    throw new InvalidRecordError(`${field} '${value}' contains a NUL character`);
  }
  target.fill(0, offset, offset + width);
  encoded.copy(target, offset);
}

/** A NUL-terminated string filling the rest of a packet (option replies, the firmware version). */
export function readTerminatedString(data: Buffer): string {
  return readFixedString(data, 0, data.length);
}
