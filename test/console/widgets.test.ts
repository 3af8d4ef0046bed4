import { Pager } from '../../api/console/widgets.js';

const pager = (props: Partial<Parameters<typeof Pager>[0]> = {}) =>
  String(
    Pager({
      label: 'User pages',
      page: 1,
      count: 250,
      perPage: 100,
      href: (page) => `/users/?page=${page}`,
      ...props,
    }),
  );

test('the first page links only forward, and the pages are counted from the rows', () => {
  expect(pager()).toBe(
    '<nav aria-label="User pages" class="pager"><span>Page 1 of 3</span><a href="/users/?page=2">Next</a></nav>',
  );
});

test('a middle page links both ways, in the words given', () => {
  expect(pager({ page: 2, words: { previous: 'Newer', next: 'Older' } })).toBe(
    '<nav aria-label="User pages" class="pager"><a href="/users/?page=1">Newer</a><span>Page 2 of 3</span>' +
      '<a href="/users/?page=3">Older</a></nav>',
  );
});

test('an empty list is one page, without links', () => {
  expect(pager({ count: 0 })).toBe(
    '<nav aria-label="User pages" class="pager"><span>Page 1 of 1</span></nav>',
  );
});
