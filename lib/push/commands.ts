/**
 * Commands an operator can queue for a push device, turned into the text the device executes.
 * Pure, and strict: the text goes to the device verbatim, so no value may carry a tab, a line break
 * or anything else that would change the command.
 */
import { z } from 'zod';

const wallClock = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/, 'must be a device time as YYYY-MM-DD HH:MM:SS');

export const CommandRequest = z.discriminatedUnion('command', [
  z.object({ command: z.literal('INFO') }).strict(),
  z.object({ command: z.literal('CHECK') }).strict(),
  z.object({ command: z.literal('REBOOT') }).strict(),
  z.object({ command: z.literal('RELOAD OPTIONS') }).strict(),
  z
    .object({ command: z.literal('DATA QUERY ATTLOG'), start_time: wallClock, end_time: wallClock })
    .strict()
    .refine((c) => c.start_time <= c.end_time, {
      message: 'must not be before start_time',
      path: ['end_time'],
    }),
  z
    .object({
      command: z.literal('SET OPTION'),
      options: z
        .record(
          z.string().regex(/^[~A-Za-z][\w~.]{0,63}$/, 'option names are letters, digits and _ . ~'),
          z
            .string()
            .regex(/^[^\u0000-\u001f\u007f,]{0,200}$/, 'must not contain control characters or commas'),
        )
        .refine((o) => Object.keys(o).length > 0, 'must name at least one option'),
    })
    .strict(),
]);

export type CommandRequest = z.infer<typeof CommandRequest>;

export const COMMAND_NAMES = ['INFO', 'CHECK', 'REBOOT', 'RELOAD OPTIONS', 'DATA QUERY ATTLOG', 'SET OPTION'];

export function commandText(request: CommandRequest): string {
  switch (request.command) {
    case 'DATA QUERY ATTLOG':
      return `DATA QUERY ATTLOG StartTime=${request.start_time}\tEndTime=${request.end_time}`;
    case 'SET OPTION':
      return `SET OPTION ${Object.entries(request.options)
        .map(([key, value]) => `${key}=${value}`)
        .join(',')}`;
    default:
      return request.command;
  }
}

/** What a device's return code means (PROTOCOL.md §14). */
export function describeReturnCode(code: number): string {
  if (code >= 0) return 'ok';
  if (code === -1) return 'bad parameter or no data';
  if (code === -1002) return 'bad syntax';
  if (code === -1004) return 'not supported by the device';
  return 'failed';
}
