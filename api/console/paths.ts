/** Where the login sends a person back to: a path on this site only, never another origin. */
export function safeReturnPath(candidate: string | undefined | null): string {
  if (!candidate || candidate.length > 2000) return '/';
  // '//host' and '/\host' are other origins to a browser; control characters can split headers.
  if (!candidate.startsWith('/') || candidate.startsWith('//') || candidate.startsWith('/\\')) return '/';
  if (/[\u0000-\u001f\u007f\\]/.test(candidate)) return '/';
  try {
    const resolved = new URL(candidate, 'http://console.invalid');
    if (resolved.origin !== 'http://console.invalid') return '/';
    return `${resolved.pathname}${resolved.search}`;
  } catch {
    return '/';
  }
}

/** `/login?next=...` for a page that needs a session. */
export function loginPath(returnTo: string): string {
  const next = safeReturnPath(returnTo);
  return next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`;
}

/** A link to the same page with some query parameters changed (undefined or '' removes one). */
export function withQuery(path: string, params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
  }
  const query = search.toString();
  return query ? `${path}?${query}` : path;
}

/** The `?page=` of a paged list: a whole number from 1, and 1 for anything else. */
export function pageNumber(value: string | undefined): number {
  return Math.max(1, Number.parseInt(value ?? '1', 10) || 1);
}
