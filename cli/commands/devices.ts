import type { Config } from '../../lib/config.js';
import type { Sql } from '../../lib/db/connection.js';
import { createDevice, deviceAddress, findDevice, listDevices } from '../../lib/db/devices.js';
import { listCommands } from '../../lib/db/pushCommands.js';
import { listUnregistered } from '../../lib/db/pushDevices.js';
import { deviceSerialNumber, deviceTimezone, newDeviceSchema } from '../../lib/devices/input.js';
import { adoptUnregistered } from '../../lib/push/adopt.js';
import { COMMAND_NAMES, CommandRequest, describeReturnCode } from '../../lib/push/commands.js';
import { queuePushCommand } from '../../lib/push/queue.js';
import { withDatabase } from '../database.js';
import { IDENTITY_HEADERS, identityCells, pollState, pushActivity } from '../deviceLines.js';
import { formatTable, formatWhen } from '../format.js';
import { parseOptions, UsageError, wholeNumber, withUsage } from '../options.js';

const HELP = `Usage:
  attendance-bridge devices add --name NAME --host HOST [--port 4370] [--comm-key N] [--timezone ZONE]
                     [--task-queue QUEUE] [--clear-log-after-download] [--disabled]
  attendance-bridge devices add --name NAME --transport push --serial-number SN [--timezone ZONE]
                     [--push-key KEY] [--allowed-networks CIDR,CIDR...] [--disabled]
  attendance-bridge devices list
  attendance-bridge devices unregistered     push devices seen that are not registered
  attendance-bridge devices adopt SN [--name NAME] [--timezone ZONE]
                     register an unregistered push device; its next upload is taken
  attendance-bridge devices command ID COMMAND [--start-time T --end-time T] [--option KEY=VALUE]...
                     queue a command for a push device, sent on its next request: INFO, CHECK,
                     REBOOT, RELOAD OPTIONS, DATA QUERY ATTLOG (re-upload the punches between
                     --start-time and --end-time, device times as "YYYY-MM-DD HH:MM:SS"),
                     SET OPTION (one --option KEY=VALUE per option)
  attendance-bridge devices commands ID      a push device's recent commands and their results`;

const OPTIONS = {
  name: { type: 'string' },
  host: { type: 'string' },
  ip: { type: 'string' },
  port: { type: 'string' },
  'comm-key': { type: 'string' },
  timezone: { type: 'string' },
  'task-queue': { type: 'string' },
  'clear-log-after-download': { type: 'boolean' },
  disabled: { type: 'boolean' },
  transport: { type: 'string' },
  'serial-number': { type: 'string' },
  'push-key': { type: 'string' },
  'allowed-networks': { type: 'string' },
  'start-time': { type: 'string' },
  'end-time': { type: 'string' },
  option: { type: 'string', multiple: true },
  help: { type: 'boolean' },
} as const;

type Values = ReturnType<typeof parseOptions<typeof OPTIONS>>['values'];

/** The option a field of the device rules came from, for messages. */
const FLAGS: Record<string, string> = {
  commKey: '--comm-key',
  taskQueue: '--task-queue',
  clearLogAfterDownload: '--clear-log-after-download',
  serialNumber: '--serial-number',
  pushKey: '--push-key',
  pushAllowedNetworks: '--allowed-networks',
  start_time: '--start-time',
  end_time: '--end-time',
  options: '--option',
  command: 'COMMAND',
};
const flag = (field: PropertyKey | undefined) => FLAGS[String(field)] ?? `--${String(field ?? '')}`;

export async function run(argv: string[]): Promise<number> {
  return withUsage(HELP, async () => {
    const [action, ...rest] = argv;
    const { values, positionals } = parseOptions(rest, OPTIONS, true);
    if (values.help || !action) {
      console.log(HELP);
      return action ? 0 : 2;
    }
    const actions: Record<string, (context: { sql: Sql; config: Config }) => Promise<number>> = {
      add: (context) => add(context, values),
      list: (context) => list(context),
      unregistered: (context) => unregistered(context),
      adopt: (context) => adopt(context, values, positionals),
      command: (context) => command(context, values, positionals),
      commands: (context) => commands(context, positionals),
    };
    const chosen = actions[action];
    if (!chosen) throw new UsageError(`Unknown devices action "${action}".`);
    if (['add', 'list', 'unregistered'].includes(action) && positionals.length > 0) {
      throw new UsageError(`devices ${action} takes no arguments, got "${positionals[0]}"`);
    }
    return withDatabase(chosen);
  });
}

async function add({ sql, config }: { sql: Sql; config: Config }, values: Values): Promise<number> {
  const parsed = newDeviceSchema({ port: config.ZKTECO_DEFAULT_PORT, timezone: config.TIME_ZONE }).safeParse({
    name: values.name,
    transport: values.transport,
    host: values.host ?? values.ip,
    port: values.port,
    commKey: values['comm-key'],
    timezone: values.timezone,
    enabled: !values.disabled,
    taskQueue: values['task-queue'] ?? null,
    clearLogAfterDownload: Boolean(values['clear-log-after-download']),
    serialNumber: values['serial-number'],
    pushKey: values['push-key'],
    pushAllowedNetworks: values['allowed-networks']?.split(',').map((network) => network.trim()),
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) console.error(`${flag(issue.path[0])}: ${issue.message}`);
    return 2;
  }
  const result = await createDevice(sql, parsed.data);
  if (!result.ok) {
    const existing = result.reason === 'duplicate' ? result.existingId : null;
    const which = existing === null ? 'another device' : `device ${existing}`;
    console.error(
      result.reason === 'incomplete'
        ? result.message
        : parsed.data.transport === 'push'
          ? `${which} already has serial number ${parsed.data.serialNumber}`
          : `${which} already uses ${deviceAddress(parsed.data)}; one device per address and port`,
    );
    return 1;
  }
  const { device } = result;
  console.log(`Device ${device.id} "${device.name}" added (${deviceAddress(device)}, ${device.timezone}).`);
  if (device.transport === 'push') {
    console.log(
      `Point the device's server address at the push receiver (ADMS_PORT ${config.ADMS_PORT}); ` +
        'its punches are taken from its next upload.',
    );
  }
  return 0;
}

async function list({ sql, config }: { sql: Sql; config: Config }): Promise<number> {
  const devices = await listDevices(sql);
  if (devices.length === 0) {
    console.log('No devices yet. Add one with "attendance-bridge devices add".');
    return 0;
  }
  const now = new Date();
  const when = (instant: Date | null) => formatWhen(instant, config.TIME_ZONE, now);
  const rows = [[...IDENTITY_HEADERS, 'TIME ZONE', 'STATE', 'STATUS']];
  for (const d of devices) {
    rows.push([
      ...identityCells(d),
      d.timezone,
      d.enabled ? 'enabled' : 'disabled',
      d.transport === 'push' ? pushActivity(d, when) : pollState(d, when),
    ]);
  }
  for (const line of formatTable(rows)) console.log(line);
  return 0;
}

async function unregistered({ sql, config }: { sql: Sql; config: Config }): Promise<number> {
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

async function adopt(
  { sql, config }: { sql: Sql; config: Config },
  values: Values,
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

async function command(
  { sql, config }: { sql: Sql; config: Config },
  values: Values,
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
        ? `${issue.keys.map(flag).join(', ')} does not apply to ${name}`
        : `${flag(issue.path[0])}: ${issue.message}`,
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

async function commands(
  { sql, config }: { sql: Sql; config: Config },
  positionals: string[],
): Promise<number> {
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
