import type { Config } from '../../lib/config.js';
import type { Sql } from '../../lib/db/connection.js';
import { createDevice } from '../../lib/db/deviceSettings.js';
import { deviceAddress, listDevices } from '../../lib/db/devices.js';
import { newDeviceSchema } from '../../lib/devices/input.js';
import { withDatabase } from '../database.js';
import { IDENTITY_HEADERS, identityCells, pollState, pushActivity } from '../deviceLines.js';
import { formatTable, formatWhen } from '../format.js';
import { parseOptions, UsageError, withUsage } from '../options.js';
import { adopt, listDeviceCommands, queueCommand, unregistered } from '../pushDeviceActions.js';

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
      command: (context) => queueCommand(context, values, positionals),
      commands: (context) => listDeviceCommands(context, positionals),
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
