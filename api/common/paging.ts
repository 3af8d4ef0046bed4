import type { Context } from 'hono';
import {
  DEFAULT_PAGE_SIZE,
  type Page,
  type PageRequest,
  pageExists,
  toPage,
} from '../../lib/api/pagination.js';

export const INVALID_PAGE = { detail: 'Invalid page.' } as const;

export function pageRequest(query: { page?: number; page_size?: number }): PageRequest {
  return { page: query.page ?? 1, pageSize: query.page_size ?? DEFAULT_PAGE_SIZE };
}

/** The page body, or null for a page past the last one (the original answers 404 "Invalid page."). */
export function pageBody<T>(c: Context, request: PageRequest, count: number, results: T[]): Page<T> | null {
  if (!pageExists(request, count)) return null;
  return toPage(c.req.url, request, count, results);
}
