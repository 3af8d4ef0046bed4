import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A throwaway CA and a server certificate it signed for 127.0.0.1 and localhost. */
export interface TestCa {
  /** PEM file of the CA certificate, what a client trusts (e.g. `CRM_CA_FILE`). */
  caFile: string;
  /** PEM of the server's private key. */
  key: string;
  /** PEM of the server certificate. */
  cert: string;
  cleanup(): Promise<void>;
}

/** A server certificate signed by nobody but itself. */
export interface SelfSignedCertificate {
  key: string;
  cert: string;
  certFile: string;
  cleanup(): Promise<void>;
}

const serverNames = 'subjectAltName=DNS:localhost,IP:127.0.0.1';
// P-256 keys: as good as RSA for tests, and generated in milliseconds.
const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
const validDays = ['-days', '2'];

export async function createTestCa(): Promise<TestCa> {
  const dir = await mkdtemp(join(tmpdir(), 'bridge-test-ca-'));
  const path = (name: string) => join(dir, name);
  try {
    await openssl([
      ['req', '-x509', ...newKey, ...validDays],
      ['-keyout', path('ca.key'), '-out', path('ca.pem')],
      ['-subj', '/CN=Attendance Bridge Test CA'],
      ['-addext', 'basicConstraints=critical,CA:TRUE'],
      ['-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
    ]);
    await openssl([
      ['req', ...newKey],
      ['-keyout', path('server.key'), '-out', path('server.csr')],
      ['-subj', '/CN=localhost'],
    ]);
    await writeFile(
      path('server.ext'),
      [serverNames, 'basicConstraints=CA:FALSE', 'extendedKeyUsage=serverAuth', ''].join('\n'),
    );
    await openssl([
      ['x509', '-req', ...validDays],
      ['-in', path('server.csr'), '-out', path('server.pem')],
      ['-CA', path('ca.pem'), '-CAkey', path('ca.key'), '-CAcreateserial'],
      ['-extfile', path('server.ext')],
    ]);
    return {
      caFile: path('ca.pem'),
      key: await readFile(path('server.key'), 'utf8'),
      cert: await readFile(path('server.pem'), 'utf8'),
      cleanup: () => rm(dir, { recursive: true, force: true }),
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

export async function createSelfSignedCertificate(): Promise<SelfSignedCertificate> {
  const dir = await mkdtemp(join(tmpdir(), 'bridge-test-self-signed-'));
  const path = (name: string) => join(dir, name);
  try {
    await openssl([
      ['req', '-x509', ...newKey, ...validDays],
      ['-keyout', path('server.key'), '-out', path('server.pem')],
      ['-subj', '/CN=localhost', '-addext', serverNames],
    ]);
    return {
      key: await readFile(path('server.key'), 'utf8'),
      cert: await readFile(path('server.pem'), 'utf8'),
      certFile: path('server.pem'),
      cleanup: () => rm(dir, { recursive: true, force: true }),
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Runs openssl; the arguments come in groups only to keep each option next to its value. */
async function openssl(argumentGroups: string[][]): Promise<void> {
  const args = argumentGroups.flat();
  try {
    await run('openssl', args);
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`openssl ${args[0]} failed: ${stderr.trim() || String(error)}`);
  }
}
