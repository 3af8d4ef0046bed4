import type { DeviceRow } from '../../lib/db/devices.js';
import { withDatabase } from '../database.js';
import { failingNow, IDENTITY_HEADERS, identityCells, pushActivity } from '../deviceLines.js';
import { formatOffset, formatPercent, formatTable, formatWhen } from '../format.js';
import { parseOptions, withUsage } from '../options.js';
import { readStatus, type StatusReport } from '../statusReport.js';

const HELP = `Usage: attendance-bridge status

Shows the devices (transport, address, serial number, enabled, last success, last error, consecutive
failures, clock offset, log use; for push devices last contact, last upload and pending commands),
the backlog (punches not processed yet; records pending, failed or rejected for delivery) and recent
failures (failed polls of the last day, records whose delivery failed or was refused). Reads the
database only, so it works while Temporal is down.`;

export async function run(argv: string[]): Promise<number> {
  return withUsage(HELP, async () => {
    const { values } = parseOptions(argv, { help: { type: 'boolean' } });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    return withDatabase(async ({ sql, config }) => {
      const report = await readStatus(sql);
      const now = new Date();
      for (const line of renderStatus(report, config.TIME_ZONE, now)) console.log(line);
      return 0;
    });
  });
}

export function renderStatus(report: StatusReport, zone: string, now: Date): string[] {
  const when = (instant: Date | null) => formatWhen(instant, zone, now);
  const lines: string[] = [`Devices (${report.devices.length}):`];
  if (report.devices.length === 0) lines.push('  none yet; add one with "attendance-bridge devices add"');
  else {
    const rows = [[...IDENTITY_HEADERS, 'STATE', 'LAST SUCCESS', 'FAILURES', 'CLOCK', 'LOG USED']];
    for (const d of report.devices) {
      const push = d.transport === 'push';
      rows.push([
        ...identityCells(d),
        d.enabled ? 'enabled' : 'disabled',
        // A push device succeeds when an upload of its punches is stored; it is never polled.
        when(push ? d.pushLastUploadAt : d.lastSuccessAt),
        push ? '-' : String(d.consecutiveFailures),
        d.clockOffsetSeconds === null ? (push ? '-' : '?') : formatOffset(d.clockOffsetSeconds),
        logUse(d),
      ]);
    }
    lines.push(...formatTable(rows).map((line) => `  ${line}`));
    for (const d of report.devices.filter((device) => device.transport === 'push')) {
      lines.push(`  push device ${d.id}: ${pushActivity(d, when)}`);
    }
    for (const d of report.devices.filter(failingNow)) {
      lines.push(`  device ${d.id} last error ${when(d.lastErrorAt)}: ${d.lastError}`);
    }
  }

  const { unprocessedPunches, oldestUnprocessedAt, deliveries } = report.backlog;
  lines.push('', 'Backlog:');
  lines.push(
    `  punches not processed yet: ${unprocessedPunches}` +
      (oldestUnprocessedAt ? ` (oldest stored ${when(oldestUnprocessedAt)})` : ''),
  );
  lines.push(
    `  daily records: ${deliveries.total} (${deliveries.synced} synced, ${deliveries.sync_percentage}%)`,
  );
  lines.push(`  delivery pending: ${deliveries.pending}`);
  lines.push(`  delivery failed: ${deliveries.failed - deliveries.rejected}`);
  lines.push(`  delivery rejected: ${deliveries.rejected}`);

  lines.push('', 'Recent failures:');
  if (report.failedPolls.length === 0 && report.failedDeliveries.length === 0) lines.push('  none');
  for (const p of report.failedPolls) {
    lines.push(
      `  poll of device ${p.deviceId} "${p.deviceName}" ${when(p.startedAt)}, attempt ${p.attempt}: ${p.error}`,
    );
  }
  for (const r of report.failedDeliveries) {
    lines.push(`  record ${r.id} (${r.userId} ${r.date}) ${r.status} ${when(r.lastAttemptAt)}: ${r.error}`);
  }
  return lines;
}

function logUse(d: DeviceRow): string {
  const percent = formatPercent(d.recordCount, d.recordCapacity);
  return d.capacityWarning ? `${percent} (nearly full)` : percent;
}
