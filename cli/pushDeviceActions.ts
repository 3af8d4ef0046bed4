/**
 * The push devices' actions of `attendance-bridge devices`: unregistered serials and their adoption,
 * and the command queue. They use the functions the API's push routes use.
 */
import type { Config } from '../lib/config.js';
import type { Sql } from '../lib/db/connection.js';
import { deviceAddress, findDevice } from '../lib/db/devices.js';
import { listCommands } from '../lib/db/pushCommands.js';
import { listUnregistered } from '../lib/db/pushDevices.js';
import { deviceSerialNumber, deviceTimezone } from '../lib/devices/input.js';
import { adoptUnregistered } from '../lib/push/adopt.js';
import { COMMAND_NAMES, CommandRequest, describeReturnCode } from '../lib/push/commands.js';
import { queuePushCommand } from '../lib/push/queue.js';
import { formatTable, formatWhen } from './format.js';
import { UsageError, wholeNumber } from './options.js';

type Context = { sql: Sql; config: Config };

/** The options of a command, as `--start-time` and the others say them. */
const COMMAND_FLAGS: Record<string, string> = {
  start_time: '--start-time',
  end_time: '--end-time',
  options: '--option',
  command: 'COMMAND',
};
const commandFlag = (field: PropertyKey | undefined) => COMMAND_FLAGS[String(field)] ?? String(field ?? '');

export async function unregistered({ sql, config }: Context): Promise<number> {
  const seen = await listUnregistered(sql);
  if (seen.length === 0) {
    console.log('No unregistered push devices seen.');
    return 0;
  }
  const now = new Date();
  const rows = [['SERIAL', 'ADDRESS', 'FIRST SEEN', 'LAST SEEN', 'REQUESTS', 'RECORDS OFFERED']];
  for (const u of seen) {
    rows.push([
      u.serialNumber,
      u.address,
      formatWhen(u.firstSeenAt, config.TIME_ZONE, now),
      formatWhen(u.lastSeenAt, config.TIME_ZONE, now),
      String(u.requests),
      String(u.recordCount),
    ]);
  }
  for (const line of formatTable(rows)) console.log(line);
  console.log(
    'Nothing of theirs was stored. Register one with "attendance-bridge devices adopt SN --name NAME".',
  );
  return 0;
}

export async function adopt(
  { sql, config }: Context,
  values: { name?: string; timezone?: string },
  positionals: string[],
): Promise<number> {
  const serial = deviceSerialNumber.safeParse(onePositional(positionals, 'SN', 'devices adopt'));
  if (!serial.success) throw new UsageError(`SN ${serial.error.issues[0]?.message}`);
  const zone = deviceTimezone.safeParse(values.timezone ?? config.TIME_ZONE);
  if (!zone.success) throw new UsageError(`--timezone ${zone.error.issues[0]?.message}`);
  const name = values.name?.trim();
  if (name === '') throw new UsageError('--name must not be empty');
  const adopted = await adoptUnregistered(sql, serial.data, { name, timezone: zone.data });
  if (!adopted.ok) {
    console.error(adopted.message);
    return 1;
  }
  const { device } = adopted;
  console.log(
    `Device ${device.id} "${device.name}" registered (${deviceAddress(device)}, ${device.timezone}); ` +
      'its punches are taken from its next upload.',
  );
  return 0;
}

export async function queueCommand(
  { sql, config }: Context,
  values: { 'start-time'?: string; 'end-time'?: string; option?: string[] },
  positionals: string[],
): Promise<number> {
  const [idText, ...words] = positionals;
  const id = wholeNumber(idText ?? '', 'ID');
  const name = words.join(' ').trim().toUpperCase();
  if (!COMMAND_NAMES.includes(name)) {
    throw new UsageError(`COMMAND must be one of ${COMMAND_NAMES.join(', ')}; got "${words.join(' ')}"`);
  }
  const parsed = CommandRequest.safeParse({
    command: name,
    ...(values['start-time'] !== undefined ? { start_time: values['start-time'] } : {}),
    ...(values['end-time'] !== undefined ? { end_time: values['end-time'] } : {}),
    ...(values.option !== undefined ? { options: optionPairs(values.option) } : {}),
  });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) =>
      issue.code === 'unrecognized_keys'
        ? `${issue.keys.map(commandFlag).join(', ')} does not apply to ${name}`
        : `${commandFlag(issue.path[0])}: ${issue.message}`,
    );
    throw new UsageError(problems.join('\n'));
  }
  const queued = await queuePushCommand(sql, id ?? 0, parsed.data);
  if (!queued.ok) {
    console.error(queued.message);
    return 1;
  }
  const { command: row } = queued;
  console.log(
    `Command ${row.id} queued for device ${id}: ${row.command.replaceAll('\t', ' ')}. The device takes it ` +
      `on its next request (every ${config.ADMS_POLL_INTERVAL_SECONDS} s by default); its result: ` +
      `"attendance-bridge devices commands ${id}".`,
  );
  return 0;
}

/** Commands shown: the most recent, as the API lists them. */
const RECENT_COMMANDS = 100;

export async function listDeviceCommands({ sql, config }: Context, positionals: string[]): Promise<number> {
  const id = wholeNumber(onePositional(positionals, 'ID', 'devices commands'), 'ID') ?? 0;
  if (!(await findDevice(sql, id))) {
    console.error(`No device ${id}.`);
    return 1;
  }
  const rows = await listCommands(sql, id, {
    limit: RECENT_COMMANDS,
    timeoutMinutes: config.ADMS_COMMAND_TIMEOUT_MINUTES,
  });
  if (rows.length === 0) {
    console.log(`No commands for device ${id}.`);
    return 0;
  }
  const now = new Date();
  const when = (instant: Date | null) => (instant ? formatWhen(instant, config.TIME_ZONE, now) : '-');
  const table = [['ID', 'COMMAND', 'STATUS', 'QUEUED', 'SENT', 'ANSWERED', 'RETURN']];
  for (const row of rows) {
    table.push([
      String(row.id),
      row.command.replaceAll('\t', ' '),
      row.status,
      when(row.createdAt),
      when(row.sentAt),
      when(row.completedAt),
      row.returnCode === null ? '-' : `${row.returnCode} (${describeReturnCode(row.returnCode)})`,
    ]);
  }
  const [header, ...lines] = formatTable(table);
  console.log(header);
  rows.forEach((row, index) => {
    console.log(lines[index]);
    // What the device sent back (INFO's values), under its command.
    for (const line of row.result?.split('\n') ?? []) console.log(`    ${line}`);
  });
  return 0;
}

function onePositional(positionals: string[], what: string, action: string): string {
  if (positionals.length !== 1) throw new UsageError(`${action} takes one ${what}`);
  return positionals[0];
}

/** `--option Delay=30 --option TransInterval=2` as the options of SET OPTION. */
function optionPairs(pairs: string[]): Record<string, string> {
  const options: Record<string, string> = {};
  for (const pair of pairs) {
    const equals = pair.indexOf('=');
    if (equals <= 0) throw new UsageError(`--option must be KEY=VALUE, got "${pair}"`);
    options[pair.slice(0, equals)] = pair.slice(equals + 1);
  }
  return options;
}
