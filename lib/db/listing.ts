/**
 * What the paged lists share: a window of rows, the total they come from, and ORDER BY / WHERE
 * built from fragments. Ordering fields are names from fixed allow-lists mapped to SQL fragments by
 * each list; nothing a client sends is ever spliced into SQL.
 */
import type { PendingQuery, Row } from 'postgres';
import type { OrderTerm } from '../lists/ordering.js';
import type { Sql } from './connection.js';
export type Fragment = PendingQuery<Row[]>;

export interface Window {
  limit: number;
  offset: number;
}

export interface Listed<T> {
  count: number;
  rows: T[];
}

/** `a, b desc, c`, always ending with the id so that pages never overlap or skip rows. */
export function orderBy<Field extends string>(
  sql: Sql,
  terms: readonly OrderTerm<Field>[],
  columns: Record<Field, Fragment>,
  id: Fragment,
): Fragment {
  const parts = terms.map((term) =>
    term.descending ? sql`${columns[term.field]} desc` : columns[term.field],
  );
  parts.push(id);
  return parts.reduce((joined, part) => sql`${joined}, ${part}`);
}

export function whereAll(sql: Sql, conditions: Fragment[]): Fragment {
  if (conditions.length === 0) return sql``;
  return sql`where ${conditions.reduce((joined, condition) => sql`${joined} and ${condition}`)}`;
}

/**
 * One page of a list and the total it comes from. The total counts `from` alone: the joins only
 * add columns, so they cannot change how many rows match.
 */
export async function listPage<T extends object, Field extends string>(
  sql: Sql,
  query: {
    from: Fragment;
    join: Fragment;
    columns: Fragment;
    conditions: Fragment[];
    order: readonly OrderTerm<Field>[];
    orderColumns: Record<Field, Fragment>;
    id: Fragment;
    window: Window;
  },
): Promise<Listed<T>> {
  const where = whereAll(sql, query.conditions);
  const [{ count }] = await sql<
    { count: number }[]
  >`select count(*)::int as count from ${query.from} ${where}`;
  const rows = await sql<T[]>`
    select ${query.columns}
    from ${query.from} ${query.join}
    ${where}
    order by ${orderBy(sql, query.order, query.orderColumns, query.id)}
    limit ${query.window.limit} offset ${query.window.offset}`;
  return { count, rows };
}
