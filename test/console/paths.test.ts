import { loginPath, pageNumber, safeReturnPath, withQuery } from '../../api/console/paths.js';

describe('safeReturnPath', () => {
  test.each([
    ['/report/?date=2026-01-05', '/report/?date=2026-01-05'],
    ['/', '/'],
    [undefined, '/'],
    ['', '/'],
    ['https://evil.example/', '/'],
    ['//evil.example/', '/'],
    ['/\\evil.example', '/'],
    ['/\t/evil.example', '/'],
    ['javascript:alert(1)', '/'],
    ['/a\r\nSet-Cookie: x=1', '/'],
    ['/./../report/', '/report/'],
  ])('%j -> %j', (given, expected) => {
    expect(safeReturnPath(given)).toBe(expected);
  });
});

test('loginPath carries the way back, encoded', () => {
  expect(loginPath('/report/?date=2026-01-05&device=2')).toBe(
    '/login?next=%2Freport%2F%3Fdate%3D2026-01-05%26device%3D2',
  );
  expect(loginPath('/')).toBe('/login');
});

test('withQuery leaves out empty parameters', () => {
  expect(withQuery('/report/', { date: '2026-01-05', device: undefined, search: '' })).toBe(
    '/report/?date=2026-01-05',
  );
  expect(withQuery('/', {})).toBe('/');
});

test.each([
  ['3', 3],
  [undefined, 1],
  ['', 1],
  ['0', 1],
  ['-2', 1],
  ['abc', 1],
  ['2.5', 2],
])('the page number of ?page=%j is %j', (given, expected) => {
  expect(pageNumber(given)).toBe(expected);
});
