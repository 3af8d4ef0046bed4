import { parseArgs } from 'node:util';
import { insertDevice, listDevices } from '../../lib/db/devices.js';
import { newDeviceSchema } from '../../lib/devices/input.js';
import { withDatabase } from '../database.js';

const HELP = `Usage:
  attendance-bridge devices add --name NAME --host HOST [--port 4370] [--comm-key N] [--timezone ZONE]
                     [--task-queue QUEUE] [--clear-log-after-download] [--disabled]
  attendance-bridge devices list`;

export async function run(argv: string[]): Promise<number> {
  const [action, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      name: { type: 'string' },
      host: { type: 'string' },
      ip: { type: 'string' },
      port: { type: 'string' },
      'comm-key': { type: 'string' },
      timezone: { type: 'string' },
      'task-queue': { type: 'string' },
      'clear-log-after-download': { type: 'boolean' },
      disabled: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help || !action) {
    console.log(HELP);
    return action ? 0 : 2;
  }
  return withDatabase(async ({ sql, config }) => {
    if (action === 'add') {
      const parsed = newDeviceSchema({
        port: config.ZKTECO_DEFAULT_PORT,
        timezone: config.TIME_ZONE,
      }).safeParse({
        name: values.name,
        host: values.host ?? values.ip,
        port: values.port,
        commKey: values['comm-key'],
        timezone: values.timezone,
        enabled: !values.disabled,
        taskQueue: values['task-queue'] ?? null,
        clearLogAfterDownload: Boolean(values['clear-log-after-download']),
      });
      if (!parsed.success) {
        for (const issue of parsed.error.issues)
          console.error(`--${String(issue.path[0] ?? '')}: ${issue.message}`);
        return 2;
      }
      const device = await insertDevice(sql, parsed.data);
      console.log(
        `Device ${device.id} "${device.name}" added (${device.host}:${device.port}, ${device.timezone}).`,
      );
      return 0;
    }
    if (action === 'list') {
      const devices = await listDevices(sql);
      if (devices.length === 0) console.log('No devices yet. Add one with "attendance-bridge devices add".');
      for (const d of devices) {
        const status =
          d.lastError && (!d.lastSuccessAt || (d.lastErrorAt && d.lastErrorAt > d.lastSuccessAt))
            ? `failing: ${d.lastError}`
            : d.lastSuccessAt
              ? `ok, last success ${d.lastSuccessAt.toISOString()}`
              : 'never polled';
        console.log(
          `${d.id}\t${d.name}\t${d.host}:${d.port}\t${d.timezone}\t${d.enabled ? 'enabled' : 'disabled'}\t${status}`,
        );
      }
      return 0;
    }
    console.error(`Unknown devices action "${action}".\n${HELP}`);
    return 2;
  });
}
