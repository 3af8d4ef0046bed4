import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createCrmClient } from '../../lib/crm/client.js';
import { buildPayload, idempotencyKey } from '../../lib/crm/payload.js';
import { ConfigurationError } from '../../lib/errors.js';
import { answer, type CrmServer, startCrmServer } from '../support/crmServer.js';
import {
  createSelfSignedCertificate,
  createTestCa,
  type SelfSignedCertificate,
  type TestCa,
} from '../support/tls.js';

const run = promisify(execFile);
const token = 'tok_tls_0d1e2f3a4b5c';
const day = {
  id: 7,
  userId: 'EMP002',
  date: '2025-11-11',
  revision: 1,
  clockIn: new Date('2025-11-11T05:00:00Z'),
  clockOut: null,
  timezone: 'Europe/Istanbul',
  isOutlier: true,
  outlierReason: 'Clock-out missing',
  deviceName: 'Gate',
  deviceIp: '192.168.1.101',
};
const payload = buildPayload(day);
const key = idempotencyKey(day);

let ca: TestCa;
let otherCa: TestCa;
let selfSigned: SelfSignedCertificate;
let caSigned: CrmServer;
let selfSignedCrm: CrmServer;
let plainCrm: CrmServer;

beforeAll(async () => {
  [ca, otherCa, selfSigned] = await Promise.all([
    createTestCa(),
    createTestCa(),
    createSelfSignedCertificate(),
  ]);
  [caSigned, selfSignedCrm, plainCrm] = await Promise.all([
    startCrmServer({ tls: { key: ca.key, cert: ca.cert }, behaviour: answer(201, { status: 'created' }) }),
    startCrmServer({ tls: { key: selfSigned.key, cert: selfSigned.cert } }),
    startCrmServer(),
  ]);
});

afterAll(async () => {
  await Promise.all([caSigned?.close(), selfSignedCrm?.close(), plainCrm?.close()]);
  await Promise.all([ca?.cleanup(), otherCa?.cleanup(), selfSigned?.cleanup()]);
});

describe('HTTPS delivery', () => {
  it('delivers to a CRM whose certificate chains to the CA in caFile', async () => {
    const client = createCrmClient({ url: caSigned.url, token, timeoutMs: 5000, caFile: ca.caFile });
    const outcome = await client.deliver(payload, key);

    expect(outcome).toMatchObject({ kind: 'delivered', status: 201 });
    expect(caSigned.url.startsWith('https://127.0.0.1:')).toBe(true);
    const request = caSigned.requests.at(-1);
    expect(request?.body).toStrictEqual({ ...payload, clock_out: null });
    expect(request?.headers).toMatchObject({ authorization: `Token ${token}`, 'idempotency-key': key });
  });

  it('passes the connection check against that CRM', async () => {
    const client = createCrmClient({ url: caSigned.url, token, timeoutMs: 5000, caFile: ca.caFile });
    expect(await client.checkConnection()).toMatchObject({ ok: true, error: null });
  });

  it('does not trust the private CA without caFile', async () => {
    const requestsBefore = caSigned.requests.length;
    const outcome = await createCrmClient({ url: caSigned.url, token, timeoutMs: 5000 }).deliver(
      payload,
      key,
    );

    expect(outcome).toMatchObject({
      kind: 'transient',
      status: null,
      retryAfterMs: null,
      error: expect.stringMatching(
        /certificate that failed verification \(UNABLE_TO_VERIFY_LEAF_SIGNATURE.*set CRM_CA_FILE/,
      ),
    });
    expect(caSigned.requests).toHaveLength(requestsBefore);
  });

  it('fails a self-signed certificate as a transient TLS error that says so', async () => {
    const outcome = await createCrmClient({ url: selfSignedCrm.url, token, timeoutMs: 5000 }).deliver(
      payload,
      key,
    );

    expect(outcome).toEqual({
      kind: 'transient',
      status: null,
      error:
        `CRM at ${selfSignedCrm.url} presented a certificate that failed verification ` +
        `(DEPTH_ZERO_SELF_SIGNED_CERT: self-signed certificate); ` +
        `if the CRM uses a private CA, set CRM_CA_FILE to that CA's PEM file`,
      retryAfterMs: null,
      durationMs: expect.any(Number),
    });
    expect(selfSignedCrm.requests).toHaveLength(0);
  });

  it('does not let a CA file for another CA vouch for the certificate', async () => {
    const client = createCrmClient({ url: caSigned.url, token, timeoutMs: 5000, caFile: otherCa.caFile });
    const outcome = await client.deliver(payload, key);
    expect(outcome).toMatchObject({ kind: 'transient', error: expect.stringMatching(/failed verification/) });
  });

  it('keeps verifying when NODE_TLS_REJECT_UNAUTHORIZED=0 is set', async () => {
    // Jest hands tests a copy of process.env that the TLS stack never reads, so the setting is
    // tried in a real child process.
    const fixture = fileURLToPath(new URL('./fixtures/deliverOnce.ts', import.meta.url));
    const { stdout } = await run(process.execPath, ['--import', 'tsx', fixture, selfSignedCrm.url], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      env: { ...process.env, NODE_OPTIONS: '', NODE_TLS_REJECT_UNAUTHORIZED: '0' },
      timeout: 30_000,
    });

    expect(JSON.parse(stdout)).toMatchObject({
      kind: 'transient',
      error: expect.stringMatching(/DEPTH_ZERO_SELF_SIGNED_CERT/),
    });
    expect(selfSignedCrm.requests).toHaveLength(0);
  });

  it('reports a failed certificate in the connection check', async () => {
    const check = await createCrmClient({ url: selfSignedCrm.url, token, timeoutMs: 5000 }).checkConnection();
    expect(check).toMatchObject({
      ok: false,
      status: null,
      error: expect.stringMatching(/DEPTH_ZERO_SELF_SIGNED_CERT/),
    });
  });

  it('fails the handshake with a server that does not speak TLS', async () => {
    const url = plainCrm.url.replace('http://', 'https://');
    const outcome = await createCrmClient({ url, token, timeoutMs: 5000 }).deliver(payload, key);
    expect(outcome).toMatchObject({
      kind: 'transient',
      status: null,
      error: expect.stringMatching(
        /TLS handshake with the CRM at .* failed \(EPROTO: wrong version number\)/,
      ),
    });
  });

  it('refuses a missing caFile as a configuration error naming the setting and the path', () => {
    const caFile = `${ca.caFile}.missing`;
    const create = () => createCrmClient({ url: caSigned.url, token, timeoutMs: 5000, caFile });
    expect(create).toThrow(ConfigurationError);
    expect(create).toThrow(`CRM_CA_FILE points to ${caFile}, which cannot be read (ENOENT)`);
  });
});
