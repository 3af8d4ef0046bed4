import { type ConsoleHarness, ORIGIN, sessionCookieOf, startConsoleHarness } from './harness.js';

let h: ConsoleHarness;
const PASSWORD = 'correct horse battery';

beforeAll(async () => {
  h = await startConsoleHarness();
  await h.createUser('alice', PASSWORD);
});
afterAll(async () => h.close());

describe('console login', () => {
  test('a page without a session goes to the login, with the way back', async () => {
    const response = await h.page('GET', '/?date=2026-01-05');
    expect(response.status).toBe(303);
    expect(response.location).toBe(`/login?next=${encodeURIComponent('/?date=2026-01-05')}`);
  });

  test('the login sends back only to a path on this site', async () => {
    const login = await h.page('POST', '/login', {
      form: { name: 'alice', password: PASSWORD, next: '//evil.example/steal' },
    });
    expect(login.status).toBe(303);
    expect(login.location).toBe('/');
    const back = await h.page('POST', '/login', {
      form: { name: 'alice', password: PASSWORD, next: '/?date=2026-01-05' },
    });
    expect(back.location).toBe('/?date=2026-01-05');
  });

  test('a wrong password and an unknown user get the same answer', async () => {
    const wrongPassword = await h.page('POST', '/login', {
      form: { name: 'alice', password: 'not it at all' },
    });
    const unknownUser = await h.page('POST', '/login', { form: { name: 'nobody', password: PASSWORD } });
    expect(wrongPassword.status).toBe(401);
    expect(unknownUser.status).toBe(401);
    const message = (html: string) => /role="alert">([^<]*)</.exec(html)?.[1];
    expect(message(wrongPassword.text)).toBe('Wrong user name or password.');
    expect(message(unknownUser.text)).toBe(message(wrongPassword.text));
    expect(sessionCookieOf(wrongPassword.headers)).toBeNull();
  });

  test('the session cookie is HttpOnly and SameSite=Lax, and Secure behind an https proxy', async () => {
    const plain = await h.page('POST', '/login', { form: { name: 'alice', password: PASSWORD } });
    const cookie = plain.headers.getSetCookie().find((line) => line.startsWith('bridge_console='));
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).not.toMatch(/; Secure/);
    const proxied = await h.page('POST', '/login', {
      form: { name: 'alice', password: PASSWORD },
      headers: { 'x-forwarded-proto': 'https' },
    });
    const secure = proxied.headers.getSetCookie().find((line) => line.startsWith('bridge_console='));
    expect(secure).toMatch(/; Secure/);
    expect(secure).toMatch(/; HttpOnly/);
  });

  test('logging out ends the session itself, not only the cookie', async () => {
    const { cookie, csrf } = await h.logIn('alice', PASSWORD);
    expect((await h.page('GET', '/', { cookie })).status).toBe(200);
    const out = await h.page('POST', '/logout', { cookie, form: { _csrf: csrf } });
    expect(out.status).toBe(303);
    expect(out.location).toBe('/login');
    // The old cookie, replayed, no longer opens anything.
    const replay = await h.page('GET', '/', { cookie });
    expect(replay.status).toBe(303);
    expect(replay.location).toBe('/login');
  });

  test('a form without the session token, or from another site, is refused', async () => {
    const { cookie, csrf } = await h.logIn('alice', PASSWORD);
    const noToken = await h.page('POST', '/logout', { cookie, form: {} });
    expect(noToken.status).toBe(403);
    const wrongToken = await h.page('POST', '/logout', { cookie, form: { _csrf: `${csrf.slice(0, -2)}xx` } });
    expect(wrongToken.status).toBe(403);
    const otherSite = await h.page('POST', '/logout', {
      cookie,
      form: { _csrf: csrf },
      headers: { origin: 'https://evil.example' },
    });
    expect(otherSite.status).toBe(403);
    // None of them logged the user out.
    expect((await h.page('GET', '/', { cookie })).status).toBe(200);
    const fromHere = await h.page('POST', '/logout', {
      cookie,
      form: { _csrf: csrf },
      headers: { origin: ORIGIN },
    });
    expect(fromHere.status).toBe(303);
  });

  test('after five wrong passwords the next attempt waits, even with the right password', async () => {
    await h.createUser('bob', PASSWORD);
    for (let attempt = 1; attempt <= 5; attempt++) {
      const wrong = await h.page('POST', '/login', {
        form: { name: 'bob', password: `guess number ${attempt}` },
      });
      expect(wrong.status).toBe(401);
    }
    const right = await h.page('POST', '/login', { form: { name: 'bob', password: PASSWORD } });
    expect(right.status).toBe(429);
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(right.text).toMatch(/Too many failed logins\. Try again in \d+ seconds\./);
    expect(sessionCookieOf(right.headers)).toBeNull();
  });
});
