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

/** A new device, as the CLI and the API accept it; defaults come from the settings. */
export function newDeviceSchema(defaults: { port: number; timezone: string; taskQueue?: string | null }) {
  return z
    .object({
      name: z.string().trim().min(1, 'must not be empty').max(100),
      host: deviceHost,
      port: z.coerce.number().int().min(1).max(65535).default(defaults.port),
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
    })
    .strict();
}
