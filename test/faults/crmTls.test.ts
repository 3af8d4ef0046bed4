import { parseConfig } from '../../lib/config.js';
import { spawnBridge } from '../support/bridgeProcess.js';
import { type CrmServer, startCrmServer } from '../support/crmServer.js';
import { createSelfSignedCertificate, type SelfSignedCertificate } from '../support/tls.js';

// CRM certificate verification has no off switch: no setting of ours names one, and none of the
// usual spellings of one (nor Node's own) gets `crm-test` past a self-signed certificate; only
// CRM_CA_FILE naming that certificate does.
const KNOBS = {
  NODE_TLS_REJECT_UNAUTHORIZED: '0',
  CRM_VERIFY_SSL: 'false',
  CRM_SSL_VERIFY: '0',
  CRM_TLS_VERIFY: 'false',
  CRM_INSECURE: '1',
  CRM_SKIP_TLS_VERIFY: 'true',
  VERIFY_SSL: 'false',
};

let certificate: SelfSignedCertificate;
let crm: CrmServer;

beforeAll(async () => {
  certificate = await createSelfSignedCertificate();
  crm = await startCrmServer({ tls: { key: certificate.key, cert: certificate.cert } });
});

afterAll(async () => {
  await crm?.close();
  await certificate?.cleanup();
});

test('no setting of the bridge can turn CRM certificate verification off', () => {
  const names = Object.keys(parseConfig({}));
  expect(names.filter((name) => /VERIFY|INSECURE|REJECT|SKIP_TLS|SSL/.test(name))).toEqual([]);
});

test('a self-signed CRM fails with a clear error whatever is set, unless CRM_CA_FILE names its certificate', async () => {
  const env = { CRM_API_URL: crm.url, CRM_API_TOKEN: 'tls-check-token', LOG_LEVEL: 'silent', ...KNOBS };
  const refused = spawnBridge(['crm-test'], env);
  expect(await refused.exited).toBe(1);
  expect(refused.output()).toContain('presented a certificate that failed verification');
  expect(refused.output()).toContain('set CRM_CA_FILE');
  expect(refused.output()).not.toMatch(/\n\s+at /);
  expect(crm.requests).toHaveLength(0);

  const trusted = spawnBridge(['crm-test'], { ...env, CRM_CA_FILE: certificate.certFile });
  expect(await trusted.exited).toBe(0);
  expect(trusted.output()).toMatch(/reachable, answered/);
}, 60_000);
