import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';
import { ConfigurationError } from '../errors.js';

const pemCertificatePattern = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * The certificates the CRM's TLS certificate may chain to: Node's public roots plus, when
 * `caFile` is set, the private CA(s) in that PEM file. Null means "the public roots only".
 *
 * Verification itself is never optional; a private CA is added to the roots, not put in their
 * place, so a CRM that moves to a public certificate keeps working. The file is read once, here,
 * so a bad path shows at start-up rather than at the first delivery.
 */
export function loadTrustedCas(caFile: string | null | undefined): SecureContext | null {
  if (!caFile) return null;
  let pem: string;
  try {
    pem = readFileSync(caFile, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigurationError(`CRM_CA_FILE points to ${caFile}, which cannot be read (${reason})`);
  }
  const certificates = pem.match(pemCertificatePattern) ?? [];
  if (certificates.length === 0) {
    throw new ConfigurationError(`CRM_CA_FILE points to ${caFile}, which holds no PEM certificate`);
  }
  for (const certificate of certificates) {
    try {
      new X509Certificate(certificate);
    } catch {
      // OpenSSL skips certificates it cannot parse without a word; say so instead.
      throw new ConfigurationError(`CRM_CA_FILE points to ${caFile}, which holds a damaged PEM certificate`);
    }
  }
  return createSecureContext({ ca: [...rootCertificates, ...certificates] });
}
