import type { Context } from 'hono';
import { DEFAULT_PAGE_SIZE, type PageRequest, pageExists, toPage } from '../../lib/api/pagination.js';

const INVALID_PAGE = { detail: 'Invalid page.' } as const;

export function pageRequest(query: { page?: number; page_size?: number }): PageRequest {
  return { page: query.page ?? 1, pageSize: query.page_size ?? DEFAULT_PAGE_SIZE };
}

/**
 * The answer of a paged list: the page, or 404 "Invalid page." for a page past the last one, as the
 * original answered. `results` are the page's items, already cut to its window.
 */
export function sendPage<T>(c: Context, request: PageRequest, count: number, results: T[]) {
  if (!pageExists(request, count)) return c.json(INVALID_PAGE, 404);
  return c.json(toPage(c.req.url, request, count, results), 200);
}
