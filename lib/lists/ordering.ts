/**
 * `ordering=field` / `ordering=-field` (comma-separated for several) over an allow-list, as the
 * original's ordering filter took it. Only names from the allow-list ever reach SQL.
 */

export interface OrderTerm<Field extends string> {
  field: Field;
  descending: boolean;
}

export type OrderingResult<Field extends string> =
  | { ok: true; terms: OrderTerm<Field>[] }
  | { ok: false; error: string };

export function parseOrdering<Field extends string>(
  value: string | undefined,
  allowed: readonly Field[],
  fallback: readonly OrderTerm<Field>[],
): OrderingResult<Field> {
  if (value === undefined || value.trim() === '') return { ok: true, terms: [...fallback] };
  const terms: OrderTerm<Field>[] = [];
  for (const raw of value.split(',')) {
    const part = raw.trim();
    const descending = part.startsWith('-');
    const name = descending ? part.slice(1) : part;
    if (!(allowed as readonly string[]).includes(name)) {
      return {
        ok: false,
        error: `ordering: ${JSON.stringify(part)} is not a field to order by; use one of ${allowed.join(', ')}, with - for descending`,
      };
    }
    // A field named twice keeps its first direction; later mentions change nothing.
    if (!terms.some((term) => term.field === name)) terms.push({ field: name as Field, descending });
  }
  return { ok: true, terms };
}
