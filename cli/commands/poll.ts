import { findDevice, listDevices } from '../../lib/db/devices.js';
import type { DevicePollResult } from '../../lib/devices/types.js';
import { pollAllStart, pollDeviceStart } from '../../workflows/starts.js';
import { withDatabase } from '../database.js';
import { targetLabel } from '../deviceTargets.js';
import { formatOffset } from '../format.js';
import { parseOptions, UsageError, wholeNumber, withUsage } from '../options.js';
import { loadSettings } from '../settings.js';
import { withTemporal } from '../temporal.js';
import { runWorkflow } from '../workflowRun.js';

const HELP = `Usage: attendance-bridge poll [--device-id N] [--since-hours H | --since-days D]

Polls every enabled device (or only device N) through Temporal, as the schedule does, and waits for
the result, showing download progress. With --since-*, only punches from that recent window are
stored (the whole log is still read). If a poll with the same workflow id is already running, this
waits for it instead. Ctrl+C stops waiting; the poll goes on. Exits 1 if a device failed.`;

export async function run(argv: string[]): Promise<number> {
  return withUsage(HELP, async () => {
    const { values } = parseOptions(argv, {
      'device-id': { type: 'string' },
      all: { type: 'boolean' },
      'since-hours': { type: 'string' },
      'since-days': { type: 'string' },
      help: { type: 'boolean' },
    });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    const deviceId = wholeNumber(values['device-id'], '--device-id');
    if (deviceId !== undefined && values.all) throw new UsageError('give --device-id or --all, not both');
    const hours = wholeNumber(values['since-hours'], '--since-hours');
    const days = wholeNumber(values['since-days'], '--since-days');
    if (hours !== undefined && days !== undefined) {
      throw new UsageError('give --since-hours or --since-days, not both');
    }
    const sinceSeconds = hours !== undefined ? hours * 3600 : days !== undefined ? days * 86_400 : undefined;

    const settings = loadSettings();
    return withTemporal(
      ({ client, config }) =>
        withDatabase(async ({ sql }) => {
          const since = sinceSeconds === undefined ? {} : { sinceSeconds };
          const names = new Map((await listDevices(sql)).map((d) => [d.id, d]));
          let results: DevicePollResult[];
          if (deviceId !== undefined) {
            const device = await findDevice(sql, deviceId);
            if (!device) {
              console.error(
                `Device ${deviceId} does not exist ("attendance-bridge devices list" shows the ids).`,
              );
              return 1;
            }
            if (device.transport === 'push') {
              console.error(
                `${targetLabel(device)} is a push device: its punches arrive on their own; "attendance-bridge devices command" asks it to upload again.`,
              );
              return 1;
            }
            if (!device.enabled) console.log(`${targetLabel(device)} is disabled; polling it as asked.`);
            const outcome = await runWorkflow(client, pollDeviceStart(config, device, since), {
              label: `Polling ${targetLabel(device)}`,
              showReadProgress: true,
            });
            if (!outcome.ok) {
              console.error(`The poll of ${targetLabel(device)} failed: ${outcome.error}`);
              return 1;
            }
            results = [outcome.result];
          } else {
            const enabled = [...names.values()].filter((d) => d.enabled).length;
            if (enabled === 0) {
              console.log('No enabled devices to poll. Add one with "attendance-bridge devices add".');
              return 0;
            }
            const outcome = await runWorkflow(client, pollAllStart(config, 'manual', since), {
              label: `Polling ${enabled} device${enabled === 1 ? '' : 's'}`,
              showReadProgress: true,
            });
            if (!outcome.ok) {
              console.error(`The poll failed: ${outcome.error}`);
              return 1;
            }
            results = outcome.result.devices;
          }
          for (const result of results) {
            const device = names.get(result.deviceId);
            const label = device ? targetLabel(device) : `device ${result.deviceId}`;
            console.log(`${label}: ${describeResult(result)}`);
          }
          const failed = results.filter((r) => r.status === 'failed').length;
          if (results.length > 1) {
            console.log(`${results.length - failed} of ${results.length} devices polled, ${failed} failed.`);
          }
          return failed > 0 ? 1 : 0;
        }),
      settings,
    );
  });
}

function describeResult(result: DevicePollResult): string {
  if (result.status === 'failed') return `FAILED: ${result.error ?? 'unknown error'}`;
  if (result.status === 'skipped') return `skipped: ${result.error ?? 'not polled'}`;
  const parts = [`${result.fetched} punches read, ${result.inserted} new`];
  if (result.clockOffsetSeconds !== undefined) parts.push(`clock ${formatOffset(result.clockOffsetSeconds)}`);
  if (result.logCleared) parts.push('device log cleared');
  return `ok, ${parts.join(', ')}`;
}
