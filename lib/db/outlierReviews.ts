import type { Sql } from './connection.js';

/**
 * Marks the current revision of these outlier records reviewed by `reviewer`. Only outliers, and
 * only the revision the person saw (`revision`): a record revised since the page was shown stays in
 * the list. Returns how many were marked.
 */
export async function markOutliersReviewed(
  sql: Sql,
  reviews: readonly { id: number; revision: number }[],
  reviewer: string,
): Promise<number> {
  if (reviews.length === 0) return 0;
  const result = await sql`
    update attendance_days a
    set reviewed_revision = a.revision, reviewed_at = now(), reviewed_by = ${reviewer}
    from unnest(${reviews.map((r) => r.id)}::bigint[], ${reviews.map((r) => r.revision)}::int[]) as r(id, revision)
    where a.id = r.id and a.revision = r.revision and a.is_outlier
      and a.reviewed_revision is distinct from a.revision`;
  return result.count;
}
