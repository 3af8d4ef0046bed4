import { deliveryStats, listDeliveryAttempts } from '../../lib/db/deliveryReports.js';
import type { CrmBehaviour, CrmReply } from '../support/crmServer.js';
import { addDevice, type TestDevice } from '../support/devices.js';
import { createTestCa, type TestCa } from '../support/tls.js';
import { crmToken, type Harness, startHarness } from './harness.js';
import { addDays, dayState } from './records.js';

let ca: TestCa;
let h: Harness;
let device: TestDevice;

beforeAll(async () => {
  ca = await createTestCa();
  h = await startHarness({ crm: { tls: { key: ca.key, cert: ca.cert } } });
  device = await addDevice(h.db.sql, { name: 'Gate', host: '192.168.1.101' });
}, 120_000);

afterAll(async () => {
  await h?.close();
  await ca?.cleanup();
});

beforeEach(async () => {
  await h.db.sql`truncate attendance_days cascade`;
  h.crm.requests.length = 0;
  h.deps.crm = h.crmClient({ caFile: ca.caFile });
});

const day = (userId: string) => ({
  deviceId: device.id,
  userId,
  date: '2025-11-12',
  clockIn: '2025-11-12T05:00:00Z',
  clockOut: '2025-11-12T15:00:00Z',
});

test('delivers over HTTPS to a CRM whose certificate chains to CRM_CA_FILE', async () => {
  const [id] = await addDays(h.db.sql, [day('EMP002')]);
  h.crm.setBehaviour(() => ({ status: 201 }));
  const result = await h.sync();

  expect(h.crm.url.startsWith('https://127.0.0.1:')).toBe(true);
  expect(result).toMatchObject({ total: 1, successful: 1 });
  expect(h.crm.requests).toHaveLength(1);
  expect(h.crm.requests[0].body).toMatchObject({ user_id: 'EMP002', device_name: 'Gate', revision: 1 });
  expect(h.crm.requests[0].headers).toMatchObject({
    authorization: `Token ${crmToken}`,
    'idempotency-key': `attendance-${id}-EMP002-2025-11-12-r1`,
  });
  expect(await dayState(h.db.sql, id)).toMatchObject({ status: 'delivered', deliveredRevision: 1 });
});

test('an untrusted certificate is a transient failure: nothing reaches the CRM, the record fails', async () => {
  const [id] = await addDays(h.db.sql, [day('EMP003')]);
  h.deps.crm = h.crmClient();
  const result = await h.sync();

  expect(result).toMatchObject({ total: 1, failed: 1 });
  expect(h.crm.requests).toHaveLength(0);
  const attempts = await listDeliveryAttempts(h.db.sql, id);
  expect(attempts.map((a) => [a.attempt, a.outcome, a.httpStatus])).toEqual([
    [1, 'transient', null],
    [2, 'transient', null],
    [3, 'transient', null],
  ]);
  expect(await dayState(h.db.sql, id)).toMatchObject({
    status: 'failed',
    lastSyncError: expect.stringMatching(/failed verification.*set CRM_CA_FILE/),
  });
});

test('the CRM token never appears in logs, workflow results, stored errors or stats', async () => {
  // A CRM that quotes the request's Authorization header back in every failure.
  const echo: CrmBehaviour = (request): CrmReply => {
    const user = (request.body as { user_id: string }).user_id;
    const quoted = `you sent ${request.headers.authorization}`;
    if (user === 'ECHO422') return { status: 422, body: { error: quoted } };
    if (user === 'ECHO302')
      return { status: 302, headers: { location: `/login?t=${crmToken}` }, body: quoted };
    const seen = h.crm.requests.filter((r) => (r.body as { user_id: string }).user_id === user).length;
    if (user === 'ECHO500THEN201' && seen > 1) return { status: 201, body: quoted };
    return { status: 500, body: quoted, headers: { 'retry-after': '0' } };
  };
  h.crm.setBehaviour(echo);
  const ids = await addDays(h.db.sql, [
    day('ECHO422'),
    day('ECHO302'),
    day('ECHO500THEN201'),
    day('ECHO500'),
  ]);
  h.logLines.length = 0;

  const results = [await h.sync(), await h.retryFailed({ rounds: 1 })];
  const stored = await Promise.all(ids.map((id) => listDeliveryAttempts(h.db.sql, id)));
  const states = await Promise.all(ids.map((id) => dayState(h.db.sql, id)));
  const texts = {
    logs: h.logLines.join(''),
    results: JSON.stringify(results),
    attempts: JSON.stringify(stored),
    records: JSON.stringify(states),
    stats: JSON.stringify(await deliveryStats(h.db.sql)),
  };

  // Not vacuous: the CRM got the token, quoted it back, and all of these have content.
  expect(h.crm.requests.every((r) => r.headers.authorization === `Token ${crmToken}`)).toBe(true);
  expect(h.crm.requests.length).toBeGreaterThanOrEqual(9);
  expect(texts.logs).toMatch(/delivery transient/);
  expect(texts.logs).toMatch(/delivery rejected/);
  expect(texts.logs).toMatch(/delivery delivered/);
  expect(texts.attempts).toMatch(/you sent Token \[redacted\]/);
  expect(results[0]).toMatchObject({ total: 4, successful: 1, failed: 3 });
  for (const [where, text] of Object.entries(texts)) {
    expect({ where, leaked: text.includes(crmToken) }).toEqual({ where, leaked: false });
  }
});
