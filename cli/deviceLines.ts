import type { DeviceRow } from '../lib/db/devices.js';

type When = (instant: Date | null) => string;

/** The first columns of a device's row in a table: ID, NAME, TRANSPORT, ADDRESS, SERIAL. */
export const IDENTITY_HEADERS = ['ID', 'NAME', 'TRANSPORT', 'ADDRESS', 'SERIAL'];

export function identityCells(d: DeviceRow): string[] {
  return [String(d.id), d.name, d.transport, shownAddress(d), d.serialNumber ?? '?'];
}

/** Where the device is: the address polled, or where a push device last pushed from. */
export function shownAddress(d: DeviceRow): string {
  if (d.transport === 'pull') return `${d.host}:${d.port}`;
  return d.pushLastAddress ? `from ${d.pushLastAddress}` : '-';
}

/** Whether its polls work, as `devices list` says it. */
export function pollState(d: DeviceRow, when: When): string {
  if (failingNow(d)) return `failing: ${d.lastError}`;
  return d.lastSuccessAt ? `ok, last success ${when(d.lastSuccessAt)}` : 'never polled';
}

/** A push device's traffic: last contact, last upload, commands waiting, unreadable lines. */
export function pushActivity(d: DeviceRow, when: When): string {
  const parts = [
    `last contact ${when(d.pushLastContactAt)}`,
    `last upload ${when(d.pushLastUploadAt)}`,
    `${d.pendingCommands} command(s) pending`,
  ];
  if (d.pushMalformedLines > 0) parts.push(`${d.pushMalformedLines} malformed line(s)`);
  return parts.join(', ');
}

/** The device's last word was an error: it failed after its last success (or never succeeded). */
export function failingNow(d: DeviceRow): boolean {
  return Boolean(d.lastError && d.lastErrorAt && (!d.lastSuccessAt || d.lastErrorAt > d.lastSuccessAt));
}
