import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { embeddedPostgresUrl } from '../../runtime/embeddedPostgres.js';
import { isPortFree } from '../../runtime/ports.js';
import { type BridgeProcess, localBridgeEnv, spawnBridge, waitFor } from '../support/bridgeProcess.js';

/** Every process on the machine whose command line names this path. */
function processesNaming(dir: string): string[] {
  const listing = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return listing
    .split('\n')
    .filter((line) => line.includes(dir) && !line.includes('ps -eo'))
    .map((line) => line.trim());
}

// `npm run demo` as a newcomer runs it: everything comes up, data arrives, Ctrl+C leaves nothing behind.
describe('npm run demo', () => {
  let demo: BridgeProcess;
  let env: Record<string, string>;

  beforeAll(async () => {
    env = await localBridgeEnv({ LOG_LEVEL: 'error' });
    demo = spawnBridge(['demo'], env);
  });

  afterAll(async () => {
    if (demo.child.exitCode === null) {
      demo.child.kill('SIGKILL');
      await demo.exited;
    }
    rmSync(env.DATA_DIR, { recursive: true, force: true });
  });

  test('prints where to look, fills the database through the pipeline, and stops cleanly on SIGINT', async () => {
    const exitedEarly = () => (demo.child.exitCode !== null ? `the demo exited:\n${demo.output()}` : null);
    await waitFor(async () => (demo.output().includes('Demo data ready') ? true : undefined), {
      // About a minute on an idle laptop; the shared test machine is often far busier.
      timeoutMs: 480_000,
      what: 'the demo data',
      stopIf: exitedEarly,
    }).catch((error: Error) => {
      throw new Error(`${error.message}; the demo printed:\n${demo.output()}`);
    });
    const output = demo.output();
    const base = `http://127.0.0.1:${env.PORT}`;
    expect(output).toContain(`Console:         ${base}/`);
    const login = /Console login: +user "demo", password "([^"]+)"/.exec(output);
    expect(login).not.toBeNull();
    expect(output).toContain(`Temporal Web UI: http://127.0.0.1:${env.TEMPORAL_UI_PORT}`);
    // Its own data directory, beside (not inside) what `npm start` uses.
    expect(output).toContain(`data in ${path.join(env.DATA_DIR, 'demo')}/pg`);
    const token = /API token: +(\S+)/.exec(output)?.[1] ?? '';
    expect(token).toMatch(/^[\w-]{20,}$/);
    const devicePorts = [...output.matchAll(/^ {4}\d+ {2}.+ 127\.0\.0\.1:(\d+) /gm)].map((m) => Number(m[1]));
    expect(devicePorts).toHaveLength(3);
    const crmPort = Number(/Local CRM: +http:\/\/127\.0\.0\.1:(\d+)\//.exec(output)?.[1]);

    // The API answers with the printed token and knows the three simulated devices.
    const devices = await fetch(`${base}/api/devices/`, { headers: { Authorization: `Token ${token}` } });
    expect(devices.status).toBe(200);
    const listed = (await devices.json()) as { results: { name: string; last_sync: string | null }[] };
    expect(listed.results.map((d) => d.name).sort()).toEqual([
      'Head Office',
      'Night Depot',
      'Warehouse Gate',
    ]);
    expect(listed.results.every((d) => d.last_sync !== null)).toBe(true);

    // The printed login opens the console, and the dashboard shows the simulated devices.
    const signedIn = await fetch(`${base}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base },
      body: new URLSearchParams({ name: 'demo', password: login?.[1] ?? '', next: '/' }).toString(),
    });
    expect(signedIn.status).toBe(303);
    const cookie = signedIn.headers.getSetCookie()[0]?.split(';')[0] ?? '';
    const dashboard = await fetch(`${base}/`, { headers: { cookie } });
    expect(dashboard.status).toBe(200);
    expect(await dashboard.text()).toContain('Night Depot');

    const sql = postgres(embeddedPostgresUrl(Number(env.EMBEDDED_POSTGRES_PORT)), { max: 1 });
    try {
      const [punches] = await sql<{ count: number; today: number }[]>`
        select count(*)::int as count,
          count(*) filter (where punched_at > now() - interval '2 hours')::int as today
        from raw_punches`;
      expect(punches.count).toBeGreaterThan(500);
      expect(punches.today).toBeGreaterThan(0);
      const statuses = await sql<{ status: string; count: number }[]>`
        select delivery_status as status, count(*)::int as count from attendance_days group by 1`;
      const byStatus = Object.fromEntries(statuses.map((row) => [row.status, row.count]));
      // The CRM refuses a few and is busy for a few: the deliveries page has something to show.
      expect(byStatus.delivered).toBeGreaterThan(100);
      expect(byStatus.rejected).toBeGreaterThan(0);
      expect(byStatus.failed).toBeGreaterThan(0);
      const [offset] = await sql<{ seconds: number }[]>`
        select clock_offset_seconds as seconds from devices where name = 'Warehouse Gate'`;
      expect(Math.abs(offset.seconds - 420)).toBeLessThan(30);
    } finally {
      await sql.end();
    }

    demo.child.kill('SIGINT');
    expect(await demo.exited).toBe(0);
    expect(demo.output()).toContain('The demo has stopped');
    for (const port of [env.PORT, env.EMBEDDED_POSTGRES_PORT, env.TEMPORAL_DEV_PORT, env.TEMPORAL_UI_PORT]) {
      expect({ port, free: await isPortFree(Number(port)) }).toEqual({ port, free: true });
    }
    for (const port of [...devicePorts, crmPort]) {
      expect({ port, free: await isPortFree(port) }).toEqual({ port, free: true });
    }
    // PostgreSQL and the Temporal server name the data directory on their command lines.
    expect(processesNaming(env.DATA_DIR)).toEqual([]);
  }, 600_000);
});
