const delaySecondsPattern = /^\d+$/;

/**
 * How long a `Retry-After` header asks us to wait, in milliseconds: either delay-seconds (`120`) or
 * an HTTP date (`Wed, 21 Oct 2025 07:28:00 GMT`), measured from `nowMs`. A date in the past means
 * "now" (0). Anything unreadable gives null, so the caller's own back-off applies.
 */
export function parseRetryAfterMs(value: string | string[] | undefined, nowMs: number): number | null {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return null;
  if (delaySecondsPattern.test(text)) {
    const seconds = Number(text);
    return Number.isSafeInteger(seconds * 1000) ? seconds * 1000 : null;
  }
  // Only the shapes HTTP allows for dates; `Date.parse` alone would also accept "1" or "2025".
  if (!/[A-Za-z]{3}/.test(text) || !/\d{2}:\d{2}:\d{2}/.test(text)) return null;
  const atMs = Date.parse(text);
  if (Number.isNaN(atMs)) return null;
  return Math.max(0, atMs - nowMs);
}
