import { type ApiHarness, startApiHarness } from './harness.js';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApiHarness();
});
afterAll(async () => {
  await api.close();
});

/** Every route the app serves under /api/, read from the app itself, so a new one is covered at once. */
function apiRoutes(): { method: string; path: string }[] {
  const seen = new Map<string, { method: string; path: string }>();
  for (const route of api.app.routes) {
    if (route.method === 'ALL' || !route.path.startsWith('/api/')) continue;
    const path = route.path.replace(/:([A-Za-z_]+)/g, (_, name: string) => (name === 'id' ? '1' : 'x'));
    seen.set(`${route.method} ${path}`, { method: route.method, path });
  }
  return [...seen.values()];
}

test('the app serves the routes of the original API table and ours', () => {
  const listed = apiRoutes().map((r) => `${r.method} ${r.path}`);
  expect(listed).toEqual(
    expect.arrayContaining([
      'GET /api/devices/',
      'POST /api/devices/',
      'GET /api/devices/1/',
      'PUT /api/devices/1/',
      'PATCH /api/devices/1/',
      'DELETE /api/devices/1/',
      'GET /api/devices/1/info/',
      'POST /api/devices/1/poll/',
      'POST /api/devices/poll_all/',
      'GET /api/raw-attendance/',
      'GET /api/processed-attendance/',
      'GET /api/processed-attendance/unsynced/',
      'GET /api/processed-attendance/outliers/',
      'GET /api/processed-attendance/stats/',
      'POST /api/processed-attendance/process/',
      'POST /api/processed-attendance/sync/',
      'GET /api/schedules/',
      'GET /api/schema/',
    ]),
  );
});

test.each([
  ['no Authorization header', null, 'Authentication credentials were not provided.'],
  ['a wrong token', 'Token not-the-token', 'Invalid token.'],
  ['a wrong bearer token', 'Bearer not-the-token', 'Invalid token.'],
  ['another scheme', 'Basic dXNlcjpwYXNz', 'Invalid token.'],
])('every /api/ route answers 401 with %s, before looking at its input', async (_, authorization, detail) => {
  const routes = apiRoutes();
  for (const route of routes) {
    const response = await api.call(route.method, route.path, {
      authorization,
      body: route.method === 'GET' ? undefined : { name: 'x' },
    });
    expect({ route, status: response.status }).toEqual({ route, status: 401 });
    expect(response.body).toEqual({ detail });
    expect(response.headers.get('www-authenticate')).toBe('Token');
  }
  // Nothing was created by any of those requests.
  const [{ count }] = await api.db.sql<{ count: number }[]>`select count(*)::int as count from devices`;
  expect(count).toBe(0);
});
