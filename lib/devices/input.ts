import { isIP } from 'node:net';
import { z } from 'zod';
import { isTimeZone } from '../time/wallclock.js';

const HOSTNAME =
  /^(?=.{1,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

export const deviceHost = z
  .string()
  .trim()
  .refine(
    // A name whose last label is all digits is a mistyped address, not a host name.
    (host) => isIP(host) !== 0 || (HOSTNAME.test(host) && !/(^|\.)\d+$/.test(host)),
    'must be an IPv4/IPv6 address or a host name',
  );

export const deviceTimezone = z
  .string()
  .trim()
  .refine(isTimeZone, 'must be an IANA time zone such as Africa/Nairobi');

/** Serial numbers as terminals print and send them: letters, digits and a few separators. */
export const deviceSerialNumber = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/, 'must be 1 to 40 letters, digits, ".", "_" or "-"');

/** The pushcommkey a push device must send; printable, no spaces (it travels in a query string). */
export const devicePushKey = z
  .string()
  .regex(/^[\x21-\x7e]{1,64}$/, 'must be 1 to 64 printable characters without spaces');

/** Source networks in CIDR notation (a bare address is one host). */
export const deviceNetworks = z.array(
  z
    .string()
    .trim()
    .refine((value) => parseNetwork(value) !== null, 'must be a network as 192.168.1.0/24 or an address'),
);

/** `10.0.0.0/8` to its parts, or null when it is not a network. */
export function parseNetwork(
  text: string,
): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | null {
  const [address, prefixText, ...rest] = text.split('/');
  const version = isIP(address ?? '');
  if (version === 0 || rest.length > 0) return null;
  const max = version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : -1;
  if (prefix < 0 || prefix > max) return null;
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

/**
 * A new device, as the CLI and the API accept it; defaults come from the settings. A pull device
 * needs its address; a push device needs its serial number instead and has no address.
 */
export function newDeviceSchema(defaults: { port: number; timezone: string; taskQueue?: string | null }) {
  return z
    .object({
      name: z.string().trim().min(1, 'must not be empty').max(100),
      transport: z.enum(['pull', 'push']).default('pull'),
      host: deviceHost.nullable().optional(),
      port: z.coerce.number().int().min(1).max(65535).nullable().optional(),
      commKey: z.coerce.number().int().min(0).max(999_999_999).default(0),
      timezone: deviceTimezone.default(defaults.timezone),
      enabled: z.boolean().default(true),
      taskQueue: z
        .string()
        .trim()
        .min(1)
        .max(200)
        .nullable()
        .default(defaults.taskQueue ?? null),
      clearLogAfterDownload: z.boolean().default(false),
      serialNumber: deviceSerialNumber.nullable().optional(),
      pushKey: devicePushKey.nullable().optional(),
      pushAllowedNetworks: deviceNetworks.nullable().optional(),
    })
    .strict()
    .superRefine((device, context) => {
      const issue = (path: string, message: string) =>
        context.addIssue({ code: 'custom', path: [path], message });
      if (device.transport === 'pull') {
        if (!device.host) issue('host', 'is required for a pull device (or send transport "push")');
        if (device.pushKey || device.pushAllowedNetworks) {
          issue('transport', 'push key and allowed networks apply to push devices only');
        }
      } else {
        if (!device.serialNumber) issue('serialNumber', 'is required for a push device');
        if (device.host) issue('host', 'a push device has no address: it connects to the bridge');
      }
    })
    .transform((device) => ({
      ...device,
      host: device.transport === 'pull' ? (device.host ?? null) : null,
      port: device.transport === 'pull' ? (device.port ?? defaults.port) : null,
      serialNumber: device.serialNumber ?? null,
      pushKey: device.pushKey ?? null,
      pushAllowedNetworks: device.pushAllowedNetworks ?? null,
    }));
}
