import dotenv from 'dotenv';
import { describeError } from '../../lib/errors.js';
import { createLogger } from '../../lib/logger.js';
import { type DemoStep, type RunningDemo, runDemoPipeline, startDemo } from '../../runtime/demo/index.js';

const HELP = `Usage: attendance-bridge demo   (npm run demo)

Runs the whole bridge as "start" does, on its own data directory (DATA_DIR/demo), its own embedded
PostgreSQL and local Temporal server, with three simulated ZKTeco F18s and a local CRM that refuses
a few records. It polls, processes and syncs at once and prints where to look. The demo database is
emptied at every start. Ctrl+C stops everything.`;

export async function run(argv: string[]): Promise<number> {
  if (argv.includes('--help')) {
    console.log(HELP);
    return 0;
  }
  // Listening from the first moment: a Ctrl+C during start-up still stops what has started. The
  // listeners stay: a repeated signal (the terminal's and bin/attendance-bridge.js's) is the same stop.
  const stopRequested = new Promise<string>((resolve) => {
    process.on('SIGINT', () => resolve('SIGINT'));
    process.on('SIGTERM', () => resolve('SIGTERM'));
  });
  dotenv.config({ quiet: true });
  const logger = createLogger(process.env.LOG_LEVEL || 'error');
  console.log(
    'Starting the demo: PostgreSQL, Temporal, the workers, the API, 3 simulated devices, a CRM ...',
  );
  const starting = startDemo(process.env, logger);
  const first = await Promise.race([starting, stopRequested]);
  if (typeof first === 'string') {
    // Stopped during start-up: let it finish starting, then stop it all.
    await starting.then((demo) => demo.stop()).catch(() => {});
    return 0;
  }
  const demo = first;
  printWhereToLook(demo);

  let code = 0;
  const stopWaiting = new AbortController();
  const pipeline = runDemoPipeline(
    demo.bridge.temporal,
    demo.config,
    (step) => printStep(demo, step),
    stopWaiting.signal,
  ).then(
    () => console.log('Demo data ready. Press Ctrl+C to stop.\n'),
    (error) => {
      if (!stopWaiting.signal.aborted) {
        console.error(`The demo's first poll, process and sync did not finish: ${describeError(error)}`);
      }
    },
  );
  try {
    const signal = await Promise.race([stopRequested, demo.bridge.failed]);
    console.log(`${signal} received, stopping the demo ...`);
  } catch (error) {
    console.error(`A part of the demo failed: ${describeError(error)}`);
    code = 1;
  }
  // No call may be in flight when the Temporal client closes.
  stopWaiting.abort();
  await pipeline;
  await demo.stop();
  console.log('The demo has stopped; nothing is left running.');
  return code;
}

function printWhereToLook(demo: RunningDemo): void {
  const { bridge } = demo;
  const ui = bridge.temporalUiUrl;
  const lines = [
    '',
    'The attendance bridge demo is running.',
    `  Console:         ${bridge.apiUrl}/`,
    `  Console login:   ${demo.consoleLogin}`,
    `  API:             ${bridge.apiUrl}/api/   (OpenAPI: ${bridge.apiUrl}/api/schema/)`,
    `  API token:       ${demo.apiToken}`,
    `  Temporal Web UI: ${ui ?? 'none'}${ui ? `   (schedules: ${ui}/namespaces/${bridge.temporalNamespace}/schedules)` : ''}`,
    `  PostgreSQL:      ${bridge.database.where}`,
    `  Local CRM:       ${demo.crm.url}   (refuses a few records, is busy for a few others)`,
    '  Devices:',
    ...demo.devices.map(
      ({ device, simulator, deviceId }) =>
        `    ${deviceId}  ${device.name.padEnd(15)} ${simulator.address.padEnd(16)} ${device.about}`,
    ),
    'Polling, processing and syncing now ...',
    '',
  ];
  console.log(lines.join('\n'));
}

function printStep(demo: RunningDemo, { step, result }: DemoStep): void {
  if (step === 'poll') {
    const stored = result.devices.reduce((sum, device) => sum + device.inserted, 0);
    const failed = result.devices.filter((device) => device.status === 'failed');
    console.log(
      `Polled ${result.totalDevices} devices: ${stored} punches stored` +
        failed.map((d) => `; device ${d.deviceId} failed: ${d.error ?? 'no reason given'}`).join(''),
    );
  } else if (step === 'process') {
    console.log(
      `Processed: ${result.daysCreated} daily records, ${result.outliers} outliers (the console shows them now)`,
    );
  } else {
    const { counts } = demo.crm;
    console.log(
      `Synced: ${result.successful} delivered, ${result.failed} refused or failed ` +
        `(the CRM refused ${counts.rejected} and was busy ${counts.unavailable} times; see the deliveries page)`,
    );
  }
}
