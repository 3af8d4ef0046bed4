/**
 * The push receiver under load: BENCH_PUSH_DEVICES push devices (default 200) post their logs at
 * once, BENCH_PUSH_PUNCHES each (default 3,000) in uploads of BENCH_PUSH_BATCH lines (default 100),
 * each also sending its heartbeat (getrequest) every BENCH_PUSH_HEARTBEAT_SECONDS (default 5) until
 * every device is through. The receiver is that of `attendance-bridge api` in a process of its own,
 * with the default settings (pool, limits), so the peak RSS is the bridge's own; the devices run
 * in this process and time every answer as a device sees it.
 */
import { randomBytes } from 'node:crypto';
import { connect } from '../lib/db/connection.js';
import { insertDevice } from '../lib/db/devices.js';
import { migrate } from '../lib/db/migrate.js';
import { type PushRequestKind, SimulatedPushDevice } from '../lib/push/simulator/pushDevice.js';
import { dumpLog, generateLog } from '../lib/zk/simulator/index.js';
import { freePort } from '../runtime/ports.js';
import { spawnBridge, waitFor } from '../test/support/bridgeProcess.js';
import { benchServices, load, peakRssMiB, peakRssOfMiB, percentile, report } from './support.js';

const ZONE = 'Africa/Nairobi';
const DEVICES = Number(process.env.BENCH_PUSH_DEVICES ?? 200);
const PUNCHES = Number(process.env.BENCH_PUSH_PUNCHES ?? 3000);
const BATCH = Number(process.env.BENCH_PUSH_BATCH ?? 100);
const HEARTBEAT_MS = Number(process.env.BENCH_PUSH_HEARTBEAT_SECONDS ?? 5) * 1000;
const USERS_PER_DEVICE = 100;

const services = await benchServices({ temporal: true });
const sql = connect(services.databaseUrl);
const run = randomBytes(3).toString('hex').toUpperCase();
let bridge: ReturnType<typeof spawnBridge> | undefined;
try {
  await migrate(sql);
  const logs = Array.from({ length: DEVICES }, (_, i) =>
    dumpLog(generateLog({ seed: `push-${i}`, users: USERS_PER_DEVICE, punches: PUNCHES })),
  );
  const ids: number[] = [];
  for (let i = 0; i < DEVICES; i++) {
    const device = await insertDevice(sql, {
      name: `Push site ${i}`,
      transport: 'push',
      host: null,
      port: null,
      commKey: 0,
      timezone: ZONE,
      serialNumber: `BENCH${run}${i}`,
    });
    ids.push(device.id);
  }

  const admsPort = await freePort();
  bridge = spawnBridge(['api'], {
    DATABASE_URL: services.databaseUrl,
    TEMPORAL_ADDRESS: services.temporalAddress ?? '',
    PORT: String(await freePort()),
    ADMS_PORT: String(admsPort),
    API_TOKEN: `bench-${randomBytes(12).toString('hex')}`,
    LOG_LEVEL: 'warn',
  });
  const running = bridge;
  const receiver = `http://127.0.0.1:${admsPort}`;
  // A path the receiver does not serve: answered 404 once it listens, and nothing is recorded.
  await waitFor(async () => ((await fetch(`${receiver}/iclock/`)).status === 404 ? true : undefined), {
    timeoutMs: 60_000,
    what: 'the push receiver of attendance-bridge api',
    stopIf: () => (running.child.exitCode !== null ? `it exited:\n${running.output()}` : null),
  });

  const answerMs: Record<PushRequestKind, number[]> = {
    handshake: [],
    upload: [],
    getrequest: [],
    devicecmd: [],
  };
  let refused = 0;
  let failed = 0;
  const devices = logs.map(
    (log, i) =>
      new SimulatedPushDevice({
        url: receiver,
        serialNumber: `BENCH${run}${i}`,
        source: { dump: () => log },
        batchSize: BATCH,
        onAnswer: (kind, ms, status) => {
          answerMs[kind].push(ms);
          if (status !== 200) refused++;
        },
      }),
  );

  let uploading = true;
  const heartbeat = async (device: SimulatedPushDevice, index: number) => {
    // Spread over the interval, as devices switched on at different times are.
    await new Promise((resolve) => setTimeout(resolve, (HEARTBEAT_MS * index) / DEVICES));
    while (uploading) {
      // A refused or failed heartbeat is counted; a device keeps beating regardless.
      await device.pollCommands().catch(() => {
        failed++;
      });
      await new Promise((resolve) => setTimeout(resolve, HEARTBEAT_MS));
    }
  };
  const started = performance.now();
  const beats: Promise<void>[] = [];
  await Promise.all(
    devices.map(async (device, index) => {
      await device.handshake();
      beats.push(heartbeat(device, index));
      await device.upload();
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  uploading = false;
  await Promise.all(beats);

  const acknowledged = devices.reduce((sum, device) => sum + device.position, 0);
  const complete = devices.filter((device, i) => device.position === logs[i].punches.length).length;
  const distinct = logs.reduce(
    (sum, log) => sum + new Set(log.punches.map((p) => `${p.user_id}|${p.timestamp}`)).size,
    0,
  );
  const [{ stored }] = await sql<{ stored: number }[]>`
    select count(*)::int as stored from raw_punches where source = 'push' and device_id in ${sql(ids)}`;
  const label = `${DEVICES} devices x ${PUNCHES}, uploads of ${BATCH}`;
  const ms = (values: number[]) =>
    `${percentile(values, 50).toFixed(1)} / ${percentile(values, 99).toFixed(1)} ms (${values.length} answers)`;
  report({
    [`${label}: devices through`]: `${complete} of ${DEVICES}`,
    [`${label}: punches acknowledged`]: `${acknowledged} in ${seconds.toFixed(1)} s`,
    [`${label}: punches/s through the receiver`]: Math.round(acknowledged / seconds),
    // The punch identity (device, user, wall-clock second) holds each at most once.
    [`${label}: punches stored`]: `${stored} of the ${distinct} distinct in the logs${stored === distinct ? ', all, each once' : ': SOME MISSING'}`,
    [`${label}: upload answer p50 / p99`]: ms(answerMs.upload),
    [`${label}: getrequest answer p50 / p99`]: ms(answerMs.getrequest),
    [`${label}: handshake answer p50 / p99`]: ms(answerMs.handshake),
    [`${label}: answers other than 200 / heartbeats failed`]: `${refused} / ${failed}`,
    [`${label}: uploads sent again (no OK)`]: devices.reduce((sum, d) => sum + d.stats.uploadFailures, 0),
    [`${label}: bridge process peak RSS MiB`]: peakRssOfMiB(running.child.pid ?? 0),
    [`${label}: devices' process peak RSS MiB`]: peakRssMiB(),
    [`${label}: machine load (1 min) at the end`]: load(),
  });
} finally {
  if (bridge && bridge.child.exitCode === null) {
    bridge.child.kill('SIGTERM');
    await bridge.exited;
  }
  await sql.end();
  await services.stop();
}
