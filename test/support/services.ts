/**
 * The test run's real services, in a process of their own: one Temporal dev server and one
 * PostgreSQL (or the running ones named by TEMPORAL_ADDRESS / DATABASE_URL). Prints one JSON line
 * with their addresses when ready; stops them on SIGTERM. Started by globalSetup.js.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseConfig } from '../../lib/config.js';
import { startEmbeddedPostgres } from '../../runtime/embeddedPostgres.js';
import { freePort } from '../../runtime/ports.js';
import { projectDir } from '../../runtime/services.js';
import { findOrInstallTemporalCli } from '../../runtime/temporalCli.js';
import { startTemporalDevServer } from '../../runtime/temporalDevServer.js';

const stops: (() => Promise<void>)[] = [];
const runtimeDir = mkdtempSync(path.join(os.tmpdir(), 'bridge-test-'));
// As root, PostgreSQL runs as its own user and must be able to enter this directory.
chmodSync(runtimeDir, 0o755);

async function stopAll(): Promise<void> {
  for (const stop of stops.reverse()) await stop().catch(() => {});
  rmSync(runtimeDir, { recursive: true, force: true });
}

async function main(): Promise<void> {
  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    const pg = await startEmbeddedPostgres({
      dataDir: runtimeDir,
      port: await freePort(),
      database: 'bridge_test',
      sharedDir: parseConfig(process.env).EMBEDDED_POSTGRES_SHARED_DIR,
    });
    stops.push(pg.stop);
    databaseUrl = pg.url;
  }
  let temporalAddress = process.env.TEMPORAL_ADDRESS;
  let temporalCli = process.env.TEMPORAL_CLI ?? null;
  if (!temporalAddress) {
    temporalCli = await findOrInstallTemporalCli({
      configured: temporalCli,
      projectDir,
      log: (message) => console.error(message),
    });
    const temporal = await startTemporalDevServer({
      cli: temporalCli,
      dataDir: runtimeDir,
      port: await freePort(),
      uiPort: 0,
      namespace: 'default',
      headless: true,
      startTimeoutMs: 120_000,
    });
    stops.push(temporal.stop);
    temporalAddress = temporal.address;
  }
  process.stdout.write(`${JSON.stringify({ databaseUrl, temporalAddress, temporalCli })}\n`);
}

process.once('SIGTERM', () => void stopAll().then(() => process.exit(0)));
process.once('SIGINT', () => void stopAll().then(() => process.exit(0)));
// The run ends when jest closes our stdin (also if jest itself is killed).
process.stdin.on('end', () => void stopAll().then(() => process.exit(0)));
process.stdin.resume();
main().catch(async (error) => {
  console.error(`test services failed to start: ${error instanceof Error ? error.message : error}`);
  await stopAll();
  process.exit(1);
});
