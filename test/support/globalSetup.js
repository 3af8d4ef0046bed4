import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// Jest's global setup cannot load our TypeScript modules, so the services run in their own
// process (test/support/services.ts under tsx) and hand their addresses back as one JSON line.
export default async function globalSetup() {
  if (process.env.TEST_SERVICES === 'off') return;
  const script = fileURLToPath(new URL('./services.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  const ready = await new Promise((resolve, reject) => {
    let buffered = '';
    child.stdout.on('data', (chunk) => {
      buffered += chunk.toString();
      const newline = buffered.indexOf('\n');
      if (newline >= 0) resolve(JSON.parse(buffered.slice(0, newline)));
    });
    child.once('exit', (code) =>
      reject(new Error(`test services exited with code ${code} before they were ready`)),
    );
  });
  process.env.TEST_DATABASE_URL = ready.databaseUrl;
  process.env.TEST_TEMPORAL_ADDRESS = ready.temporalAddress;
  if (ready.temporalCli) process.env.TEST_TEMPORAL_CLI = ready.temporalCli;
  globalThis.__bridgeTestServices = child;
}
