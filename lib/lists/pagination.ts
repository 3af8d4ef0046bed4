/**
 * Page-number pagination as Django REST framework answers it: `{ count, next, previous, results }`,
 * where `next` and `previous` are absolute URLs of the same request with another `page`.
 */

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

export interface PageRequest {
  /** 1-based. */
  page: number;
  pageSize: number;
}

export interface Page<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

/** The rows a page covers, for `limit`/`offset`. */
export function pageWindow(request: PageRequest): { limit: number; offset: number } {
  return { limit: request.pageSize, offset: (request.page - 1) * request.pageSize };
}

/** How many pages `count` rows fill; an empty list still has its one (empty) first page. */
export function pageCount(count: number, pageSize: number): number {
  return Math.max(1, Math.ceil(count / pageSize));
}

/** False for a page past the last one, which the original answers with 404 "Invalid page.". */
export function pageExists(request: PageRequest, count: number): boolean {
  return request.page <= pageCount(count, request.pageSize);
}

/**
 * The links of a page, built from the URL it was asked with. Like the original, the link to the first
 * page carries no `page` parameter at all, and every other parameter is kept as it was sent.
 */
export function pageLinks(
  requestUrl: string,
  request: PageRequest,
  count: number,
): { next: string | null; previous: string | null } {
  const last = pageCount(count, request.pageSize);
  const withPage = (page: number): string => {
    const url = new URL(requestUrl);
    if (page === 1) url.searchParams.delete('page');
    else url.searchParams.set('page', String(page));
    return url.toString();
  };
  return {
    next: request.page < last ? withPage(request.page + 1) : null,
    previous: request.page > 1 ? withPage(Math.min(request.page - 1, last)) : null,
  };
}

export function toPage<T>(requestUrl: string, request: PageRequest, count: number, results: T[]): Page<T> {
  return { count, ...pageLinks(requestUrl, request, count), results };
}
