import type { Config } from '../../lib/config.js';
import { describeError } from '../../lib/errors.js';
import { isTimeZone, wallClockToInstant } from '../../lib/time/wallclock.js';
import { ZkClient } from '../../lib/zk/client/index.js';
import { formatWallClock, isValidWallClock } from '../../lib/zk/codec/index.js';
import { withDatabase } from '../database.js';
import { connectOptions, type DeviceTarget, storedTargets, targetLabel } from '../deviceTargets.js';
import { formatOffset, formatPercent } from '../format.js';
import { exactlyOne, parseOptions, UsageError, wholeNumber, withUsage } from '../options.js';
import { loadSettings } from '../settings.js';

const HELP = `Usage:
  attendance-bridge test-device --ip HOST [--port 4370] [--comm-key N] [--timezone ZONE]
  attendance-bridge test-device --device-id N
  attendance-bridge test-device --all

Connects to the device(s) directly and shows identity, firmware, user and record counts against
capacity, and the device clock with its offset from this computer's clock. --host is the same as --ip;
the zone of an address given on the command line defaults to TIME_ZONE. Exits 1 if a device fails.`;

export async function run(argv: string[]): Promise<number> {
  return withUsage(HELP, async () => {
    const { values } = parseOptions(argv, {
      ip: { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      'comm-key': { type: 'string' },
      timezone: { type: 'string' },
      'device-id': { type: 'string' },
      all: { type: 'boolean' },
      help: { type: 'boolean' },
    });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    if (values.ip !== undefined && values.host !== undefined)
      throw new UsageError('give --ip or --host, not both');
    const host = values.ip ?? values.host;
    const mode = exactlyOne({ ip: host, 'device-id': values['device-id'], all: values.all }, 'test-device');
    if (mode !== 'ip') {
      for (const flag of ['port', 'comm-key', 'timezone'] as const) {
        if (values[flag] !== undefined) throw new UsageError(`--${flag} goes with --ip, not --${mode}`);
      }
    }

    if (mode === 'ip') {
      if (!host?.trim()) throw new UsageError('--ip needs a host name or address');
      const { config } = loadSettings();
      const timezone = values.timezone ?? config.TIME_ZONE;
      if (!isTimeZone(timezone)) throw new UsageError(`--timezone must be an IANA zone, got "${timezone}"`);
      const target: DeviceTarget = {
        id: null,
        name: null,
        host: host.trim(),
        port: wholeNumber(values.port, '--port') ?? config.ZKTECO_DEFAULT_PORT,
        commKey: wholeNumber(values['comm-key'], '--comm-key', 0) ?? 0,
        timezone,
      };
      if (target.port > 65535) throw new UsageError(`--port must be at most 65535, got ${target.port}`);
      return (await testDevice(target, config)) ? 0 : 1;
    }
    const deviceId = wholeNumber(values['device-id'], '--device-id');
    return withDatabase(async ({ sql, config }) => {
      const targets = await storedTargets(sql, { deviceId, all: values.all });
      if (!targets) return 1;
      let failures = 0;
      for (const target of targets) {
        if (!(await testDevice(target, config))) failures += 1;
      }
      if (targets.length > 1)
        console.log(`\n${targets.length - failures} of ${targets.length} devices answered.`);
      return failures > 0 ? 1 : 0;
    });
  });
}

/** One short session; prints what the device says, or the typed error's message. */
async function testDevice(target: DeviceTarget, config: Config): Promise<boolean> {
  const label = targetLabel(target);
  let client: ZkClient | null = null;
  try {
    client = await ZkClient.connect(connectOptions(target, config));
    const identity = await client.identity();
    const sizes = await client.freeSizes();
    const askedAtMs = Date.now();
    const clock = await client.getTime();
    // The device answers to the second; the middle of the exchange is the fairest "now".
    const measuredAtMs = (askedAtMs + Date.now()) / 2;

    console.log(`${label}: connected`);
    console.log(`  serial number:  ${identity.serialNumber}`);
    console.log(`  device name:    ${identity.deviceName || '(not set)'}`);
    console.log(`  platform:       ${identity.platform || '(not reported)'}`);
    console.log(`  firmware:       ${identity.firmwareVersion || '(not reported)'}`);
    console.log(`  users:          ${sizes.users} of ${sizes.userCapacity}`);
    console.log(`  fingerprints:   ${sizes.fingerprints} of ${sizes.fingerprintCapacity}`);
    const logUse = `${sizes.records} of ${sizes.recordCapacity} (${formatPercent(sizes.records, sizes.recordCapacity)})`;
    const logFull =
      sizes.recordCapacity > 0 &&
      sizes.records * 100 >= sizes.recordCapacity * config.LOG_CAPACITY_WARN_PERCENT;
    console.log(
      `  records:        ${logUse}${logFull ? `: at or above LOG_CAPACITY_WARN_PERCENT (${config.LOG_CAPACITY_WARN_PERCENT}%)` : ''}`,
    );
    console.log(`  device time:    ${describeClock(clock, target.timezone, measuredAtMs, config)}`);
    return true;
  } catch (error) {
    console.error(`${label}: FAILED: ${describeError(error)}`);
    return false;
  } finally {
    await client?.close().catch(() => {});
  }
}

function describeClock(
  clock: Parameters<typeof formatWallClock>[0],
  timezone: string,
  measuredAtMs: number,
  config: Config,
): string {
  const shown = `${formatWallClock(clock).replace('T', ' ')} (${timezone})`;
  if (!isValidWallClock(clock)) return `${shown}: not a real date; set the device clock`;
  const deviceInstant = wallClockToInstant(formatWallClock(clock), timezone).instant;
  const offsetSeconds = Math.round((deviceInstant.getTime() - measuredAtMs) / 1000);
  const tooFar = Math.abs(offsetSeconds) > config.CLOCK_OFFSET_THRESHOLD_SECONDS;
  return (
    `${shown}, ${offsetSeconds === 0 ? 'in step with' : `${formatOffset(offsetSeconds)} of`} this computer` +
    (tooFar ? `: beyond CLOCK_OFFSET_THRESHOLD_SECONDS (${config.CLOCK_OFFSET_THRESHOLD_SECONDS} s)` : '')
  );
}
