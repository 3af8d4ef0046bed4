import type { ActivityDeps } from '../../activities/deps.js';
import { run as crmTest } from '../../cli/commands/crmTest.js';
import { run as processAttendance } from '../../cli/commands/process.js';
import { run as sync } from '../../cli/commands/sync.js';
import { createCrmClient } from '../../lib/crm/client.js';
import type { RunningWorkers } from '../../worker/workers.js';
import { type CrmRequest, type CrmServer, startCrmServer } from '../support/crmServer.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { addDevice } from '../support/devices.js';
import { addPunches } from '../support/punches.js';
import { noDevices, startTestWorkers, testActivityDeps, testConfig } from '../support/temporal.js';
import { createTestCa, type TestCa } from '../support/tls.js';
import { commandEnv, createTestNamespace, runCommand } from './support.js';

// `bridge process`, `bridge sync` and `bridge crm-test` against real Temporal, PostgreSQL and a CRM.
const ZONE = 'Africa/Nairobi';
const TOKEN = 'tok_cli_5c4b3a29f8e7d6c5';
let db: TestDatabase;
let workers: RunningWorkers;
let crm: CrmServer;
let https: CrmServer;
let ca: TestCa;
let config: ReturnType<typeof testConfig>;
let deps: ActivityDeps;

// The CRM takes EMP001's records and refuses EMP002's; OPTIONS (the connection check) gets 204.
const crmAnswers = (request: CrmRequest) => {
  if (request.method === 'OPTIONS') return { status: 204 };
  const body = request.body as { user_id?: string };
  return body.user_id === 'EMP002'
    ? { status: 400, body: { error: 'unknown employee EMP002' } }
    : { status: 201, body: { status: 'created' } };
};

const env = (overrides: Record<string, string | undefined> = {}) => ({
  ...commandEnv(config, db.url),
  CRM_API_URL: crm.url,
  CRM_API_TOKEN: TOKEN,
  ...overrides,
});

beforeAll(async () => {
  db = await createTestDatabase();
  crm = await startCrmServer({ behaviour: crmAnswers });
  ca = await createTestCa();
  https = await startCrmServer({ tls: { key: ca.key, cert: ca.cert }, behaviour: crmAnswers });
  config = testConfig({
    TEMPORAL_NAMESPACE: await createTestNamespace(),
    TIME_ZONE: ZONE,
    CRM_MAX_RETRIES: '1',
  });
  const device = await addDevice(db.sql, { name: 'Main Office', host: '10.1.1.1', timezone: ZONE });
  const punches: [string, string][] = [
    ['EMP001', '2025-11-10T08:02:00'],
    ['EMP001', '2025-11-10T17:31:00'],
    ['EMP001', '2025-11-11T11:15:00'], // clock-in after 10:00: an outlier
    ['EMP001', '2025-11-11T17:45:00'],
    ['EMP002', '2025-11-10T07:58:00'],
    ['EMP002', '2025-11-10T18:05:00'],
    ['EMP002', '2025-11-11T08:10:00'],
    ['EMP002', '2025-11-11T17:20:00'],
  ];
  await addPunches(db.sql, device, punches);
  deps = testActivityDeps(db.sql, config, { connectDevice: noDevices('no device in these tests') });
  workers = await startTestWorkers({ config, deps });
}, 120_000);

afterAll(async () => {
  await workers?.shutdown();
  await crm?.close();
  await https?.close();
  await ca?.cleanup();
  await db?.drop();
});

test('process builds the daily records and prints the counts in the original terms', async () => {
  const result = await runCommand(processAttendance, [], env());
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  expect(result.stdout).toContain('total_records: 8\nprocessed: 4\noutliers: 1\nfailed: 0\n');
  expect(result.stdout).toContain('(daily records: 4 new, 0 revised, 0 unchanged)');

  // A range rebuilds those days; they come out the same.
  const range = await runCommand(
    processAttendance,
    ['--start-date', '2025-11-11', '--end-date', '2025-11-11', '--user-id', 'EMP001'],
    env(),
  );
  expect(range.code).toBe(0);
  expect(range.stdout).toMatch(/processed: 1\n/);
  expect(range.stdout).toContain('0 new, 0 revised, 1 unchanged');
});

test('sync with no CRM configured says so and exits 0; records stay pending', async () => {
  deps.crm = null;
  const result = await runCommand(sync, [], env());
  expect(result.code).toBe(0);
  expect(result.stdout).toContain('Nothing sent: no CRM configured (CRM_API_URL)');
  const [{ pending }] = await db.sql<{ pending: number }[]>`
    select count(*)::int as pending from attendance_days where delivery_status = 'pending'`;
  expect(pending).toBe(4);
});

test('sync delivers, prints total/successful/failed with the errors, and exits 1 for the refused records', async () => {
  deps.crm = createCrmClient({ url: crm.url, token: TOKEN, timeoutMs: 5000 });
  const limited = await runCommand(sync, ['--limit', '1', '--user-id', 'EMP001'], env());
  expect(limited.code).toBe(0);
  expect(limited.stdout).toContain('total: 1\nsuccessful: 1\nfailed: 0\n');

  const result = await runCommand(sync, ['--start-date', '2025-11-10', '--end-date', '2025-11-11'], env());
  expect(result.code).toBe(1);
  expect(result.stdout).toContain('total: 3\nsuccessful: 1\nfailed: 2\n');
  expect(result.stdout).toMatch(/errors:\n {2}EMP002 2025-11-10: .*400/);
  expect(result.stdout).toMatch(/ {2}EMP002 2025-11-11: .*400/);
  expect(result.output).not.toContain(TOKEN);
  expect(crm.requests.filter((r) => r.method === 'POST')).toHaveLength(4);
});

test('crm-test reports reachability and TLS, --stats the delivery counts; the token is never shown', async () => {
  const result = await runCommand(crmTest, ['--stats'], env());
  expect(result.code).toBe(0);
  expect(result.stdout).toContain(`CRM at ${crm.url}: reachable, answered 204`);
  expect(result.stdout).toContain('TLS: none (http://)');
  expect(result.stdout).toContain(
    'Delivery stats:\n  total: 4\n  synced: 2\n  unsynced: 2\n  failed: 2 (2 of them rejected by the CRM)\n  pending: 0\n',
  );
  expect(result.stdout).toContain('sync_percentage: 50');
  expect(result.output).not.toContain(TOKEN);
  const check = crm.requests.find((r) => r.method === 'OPTIONS');
  expect(check?.headers.authorization).toBe(`Token ${TOKEN}`);
});

test('crm-test over HTTPS verifies the certificate, trusting a private CA only through CRM_CA_FILE', async () => {
  const untrusted = await runCommand(crmTest, [], env({ CRM_API_URL: https.url }));
  expect(untrusted.code).toBe(1);
  expect(untrusted.stderr).toMatch(/NOT usable .*certificate.*CRM_CA_FILE/);

  const trusted = await runCommand(crmTest, [], env({ CRM_API_URL: https.url, CRM_CA_FILE: ca.caFile }));
  expect(trusted.code).toBe(0);
  expect(trusted.stdout).toContain('TLS: certificate verified against the public roots and CRM_CA_FILE');
  for (const run of [untrusted, trusted]) expect(run.output).not.toContain(TOKEN);
});

test('crm-test exits 1 with advice when the CRM refuses the token, and when no CRM is configured', async () => {
  crm.setBehaviour(() => ({ status: 401, body: { detail: `bad token ${TOKEN}` } }));
  try {
    const refused = await runCommand(crmTest, [], env());
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /answered the connection check with 401 Unauthorized; check CRM_API_TOKEN/,
    );
    expect(refused.output).not.toContain(TOKEN);
  } finally {
    crm.setBehaviour(crmAnswers);
  }
  const none = await runCommand(crmTest, [], env({ CRM_API_URL: '', CRM_API_TOKEN: '' }));
  expect(none.code).toBe(1);
  expect(none.stderr).toContain('No CRM configured: set CRM_API_URL and CRM_API_TOKEN.');

  const half = await runCommand(crmTest, [], env({ CRM_API_TOKEN: '' }));
  expect(half.code).toBe(1);
  expect(half.stderr).toContain('CRM_API_URL is set but CRM_API_TOKEN is not.');
});
