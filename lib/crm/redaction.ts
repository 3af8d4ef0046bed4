/**
 * The CRM URL as people may see it: no user name or password, no query string (where some CRMs
 * take an API key) and no fragment.
 */
export function displayUrl(url: URL): string {
  const hidden = url.search ? '?…' : '';
  return `${url.protocol}//${url.host}${url.pathname}${hidden}`;
}

/** Replaces every occurrence of the given secrets in a text, for messages built from outside input. */
export type Redactor = (text: string) => string;

export function createRedactor(secrets: readonly string[]): Redactor {
  // Longest first, so a secret that contains another is hidden whole.
  const hidden = [...new Set(secrets.filter((secret) => secret.length > 0))].sort(
    (a, b) => b.length - a.length,
  );
  return (text) => hidden.reduce((result, secret) => result.split(secret).join('[redacted]'), text);
}

const minQuerySecretLength = 6;

/** The parts of a CRM URL and its token that must never reach a message, an outcome or a log. */
export function crmSecrets(url: URL, token: string): string[] {
  const secrets = [token, url.password, safeDecode(url.password), url.search.slice(1)];
  for (const value of url.searchParams.values()) {
    // Short values ("json", "1") are settings, not keys; hiding them would garble every message.
    if (value.length >= minQuerySecretLength) secrets.push(value, encodeURIComponent(value));
  }
  return secrets;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
