import fc from 'fast-check';
import { parseOrdering } from '../../lib/lists/ordering.js';
import { pageCount, pageExists, pageLinks, pageWindow } from '../../lib/lists/pagination.js';

const url = 'https://bridge.example/api/raw-attendance/?user_id=7&page=2&page_size=10';

describe('page links', () => {
  test.each([
    // page, pageSize, count, next, previous
    [1, 10, 0, null, null],
    [1, 10, 10, null, null],
    [1, 10, 11, 'page=2', null],
    [2, 10, 25, 'page=3', 'first'],
    [3, 10, 25, null, 'page=2'],
  ])('page %i of size %i over %i rows', (page, pageSize, count, next, previous) => {
    const links = pageLinks(url, { page, pageSize }, count);
    const expected = (what: string | null) =>
      what === null
        ? null
        : what === 'first'
          ? 'https://bridge.example/api/raw-attendance/?user_id=7&page_size=10'
          : `https://bridge.example/api/raw-attendance/?user_id=7&${what}&page_size=10`;
    expect(links).toEqual({ next: expected(next), previous: expected(previous) });
  });

  test('properties: windows tile the rows; links exist exactly where pages do', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5000 }),
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 1, max: 20 }),
        (count, pageSize, page) => {
          const request = { page, pageSize };
          const { limit, offset } = pageWindow(request);
          expect(limit).toBe(pageSize);
          expect(offset).toBe((page - 1) * pageSize);
          const last = pageCount(count, pageSize);
          expect(pageExists(request, count)).toBe(page <= last);
          const links = pageLinks('http://h/api/x/?a=1', request, count);
          expect(links.next === null).toBe(page >= last);
          expect(links.previous === null).toBe(page === 1);
          if (links.next) expect(new URL(links.next).searchParams.get('page')).toBe(String(page + 1));
          if (links.previous) {
            // A page past the end points back to the last one; the first page's link has no page.
            const target = Math.min(page - 1, last);
            expect(new URL(links.previous).searchParams.get('page')).toBe(
              target === 1 ? null : String(target),
            );
          }
          for (const link of [links.next, links.previous]) {
            if (link) expect(new URL(link).searchParams.get('a')).toBe('1');
          }
        },
      ),
    );
  });
});

describe('ordering', () => {
  const allowed = ['id', 'date', 'user_id'] as const;
  const fallback = [{ field: 'date' as const, descending: true }];

  test.each([
    [undefined, [{ field: 'date', descending: true }]],
    ['', [{ field: 'date', descending: true }]],
    ['user_id', [{ field: 'user_id', descending: false }]],
    [
      '-date,user_id',
      [
        { field: 'date', descending: true },
        { field: 'user_id', descending: false },
      ],
    ],
    [' id , -id', [{ field: 'id', descending: false }]],
  ])('%j', (value, terms) => {
    expect(parseOrdering(value, allowed, fallback)).toEqual({ ok: true, terms });
  });

  test.each(['password', '-', '--id', 'id;drop table devices', 'date,', 'ID'])('%j is refused', (value) => {
    const result = parseOrdering(value, allowed, fallback);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/^ordering: /);
  });

  test('property: whatever is accepted names only allowed fields', () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        const result = parseOrdering(value, allowed, fallback);
        if (result.ok) for (const term of result.terms) expect(allowed).toContain(term.field);
      }),
    );
  });
});
