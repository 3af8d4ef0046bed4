import type { PunchInput } from './types.js';

/** Order by instant, then by punch id, so the same punches always pair the same way. */
export function comparePunches(a: PunchInput, b: PunchInput): number {
  const byInstant = a.instant.getTime() - b.instant.getTime();
  if (byInstant !== 0) return byInstant;
  return compareStrings(a.id, b.id);
}

/** Code-unit order: the same on every machine, unlike localeCompare. */
export function compareStrings(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}

/**
 * The punches that count for pairing, from punches sorted by comparePunches. A punch at most
 * debounceSeconds after the previous kept punch is a repeat (a double tap, a retry after "try
 * again"), whatever its device or state code. Measuring from the kept punch, not from the last
 * repeat, keeps a long series of taps from stretching one punch indefinitely.
 */
export function debouncePunches(sorted: readonly PunchInput[], debounceSeconds: number): PunchInput[] {
  const kept: PunchInput[] = [];
  for (const punch of sorted) {
    const previous = kept[kept.length - 1];
    if (previous && punch.instant.getTime() - previous.instant.getTime() <= debounceSeconds * 1000) continue;
    kept.push(punch);
  }
  return kept;
}
