import type { Logger } from '../lib/logger.js';
import type { RunningBridge } from '../runtime/bridge.js';

/**
 * Runs until SIGINT/SIGTERM, or SIGHUP when its terminal closes (the local servers run in process
 * groups of their own, so they hear of it from here), or until a part fails; then stops every part
 * gracefully.
 */
export async function runUntilSignal(bridge: RunningBridge, logger: Logger): Promise<number> {
  // The listeners stay for the whole shutdown: under bin/attendance-bridge.js a Ctrl+C reaches this
  // process both from the terminal and from the launcher, and a second one must not kill it halfway.
  const signalled = new Promise<string>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => resolve(signal));
  });
  let code = 0;
  try {
    const signal = await Promise.race([signalled, bridge.failed]);
    logger.info({ msg: `${signal} received, shutting down` });
  } catch (error) {
    logger.error({ msg: 'a part of the bridge failed, shutting down', error: (error as Error).message });
    code = 1;
  }
  await bridge.stop();
  logger.info({ msg: 'stopped' });
  return code;
}

export function printBanner(bridge: RunningBridge, options: { tokenFromSetting: boolean }): void {
  const lines = ['', 'Attendance bridge is running.'];
  if (bridge.apiUrl) {
    lines.push(`  API:             ${bridge.apiUrl}/api/   (health: ${bridge.apiUrl}/health)`);
    lines.push(`  OpenAPI:         ${bridge.apiUrl}/api/schema/`);
    if (bridge.pushUrl) lines.push(`  Push receiver:   ${bridge.pushUrl}/iclock/   (ADMS devices)`);
  }
  lines.push(`  PostgreSQL:      ${bridge.database.where}`);
  for (const note of bridge.database.notes) lines.push(`                   (${note})`);
  lines.push(`  Temporal:        ${bridge.temporalAddress}`);
  if (bridge.temporalUiUrl)
    lines.push(
      `  Temporal Web UI: ${bridge.temporalUiUrl}   (schedules: ${bridge.temporalUiUrl}/namespaces/${bridge.temporalNamespace}/schedules)`,
    );
  if (bridge.generatedToken) {
    lines.push(`  API token:       ${bridge.generatedToken}`);
    lines.push(
      '                   Shown once; stored only as a hash. Send it as "Authorization: Token <key>".',
    );
  } else if (bridge.apiUrl) {
    lines.push(
      options.tokenFromSetting
        ? '  API token:       the API_TOKEN setting.'
        : '  API token:       create one with "npm run bridge -- token create --name <name>".',
    );
  }
  lines.push('Press Ctrl+C to stop.', '');
  console.log(lines.join('\n'));
}
