import type { Context } from 'hono';
import { type OrderTerm, parseOrdering } from '../../lib/lists/ordering.js';
import {
  DEFAULT_PAGE_SIZE,
  type PageRequest,
  pageExists,
  pageWindow,
  toPage,
} from '../../lib/lists/pagination.js';

const INVALID_PAGE = { detail: 'Invalid page.' } as const;

type PageWindow = ReturnType<typeof pageWindow>;

/** What one paged list reads and how it shows each row. */
export interface PagedList<Field extends string, Row, Item> {
  /** The fields `ordering=` may name, and the order when it names none. */
  ordering?: { fields: readonly Field[]; fallback: readonly OrderTerm<Field>[] };
  /** The rows of one page, and how many rows the whole list holds. */
  read(page: { order: OrderTerm<Field>[]; window: PageWindow }): Promise<{ count: number; rows: Row[] }>;
  toBody(row: Row): Item;
}

function pageRequest(query: { page?: number; page_size?: number }): PageRequest {
  return { page: query.page ?? 1, pageSize: query.page_size ?? DEFAULT_PAGE_SIZE };
}

/**
 * The answer of a paged list as the original gave it: `{count, next, previous, results}`, 400 for an
 * ordering field it does not know, and 404 "Invalid page." for a page past the last one.
 */
export async function sendPage<Field extends string, Row, Item>(
  c: Context,
  query: { page?: number; page_size?: number; ordering?: string },
  list: PagedList<Field, Row, Item>,
) {
  const order = list.ordering
    ? parseOrdering(query.ordering, list.ordering.fields, list.ordering.fallback)
    : { ok: true as const, terms: [] };
  if (!order.ok) return c.json({ error: order.error }, 400);
  const request = pageRequest(query);
  const { count, rows } = await list.read({ order: order.terms, window: pageWindow(request) });
  if (!pageExists(request, count)) return c.json(INVALID_PAGE, 404);
  return c.json(toPage(c.req.url, request, count, rows.map(list.toBody)), 200);
}

/** One page of a short list held in memory (a few schedules, a record's attempts). */
export async function inMemory<Row>(all: Row[], page: { window: PageWindow }) {
  return { count: all.length, rows: all.slice(page.window.offset, page.window.offset + page.window.limit) };
}
