import { hashPassword } from '../../lib/auth/passwords.js';
import { insertConsoleUser } from '../../lib/db/consoleUsers.js';
import { type ApiHarness, type HarnessOptions, startApiHarness } from '../api/harness.js';

export const ORIGIN = 'http://bridge.test';

export interface PageResponse {
  status: number;
  text: string;
  headers: Headers;
  location: string | null;
}

export interface Login {
  cookie: string;
  csrf: string;
}

export interface ConsoleHarness extends ApiHarness {
  createUser(name: string, password: string): Promise<void>;
  page(
    method: string,
    path: string,
    options?: { cookie?: string; form?: Record<string, string>; headers?: Record<string, string> },
  ): Promise<PageResponse>;
  logIn(name: string, password: string): Promise<Login>;
}

/** The session cookie's `name=value` from a Set-Cookie header. */
export function sessionCookieOf(headers: Headers): string | null {
  const line = headers.getSetCookie().find((cookie) => cookie.startsWith('bridge_console='));
  return line ? line.split(';')[0] : null;
}

export function csrfOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no CSRF field in the page');
  return match[1];
}

/** The API harness with console users and form posts as a browser sends them (same origin). */
export async function startConsoleHarness(options: HarnessOptions = {}): Promise<ConsoleHarness> {
  const api = await startApiHarness(options);
  const page: ConsoleHarness['page'] = async (method, path, pageOptions = {}) => {
    const headers: Record<string, string> = { ...pageOptions.headers };
    if (pageOptions.cookie) headers.cookie = pageOptions.cookie;
    let body: string | undefined;
    if (pageOptions.form) {
      body = new URLSearchParams(pageOptions.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers.origin ??= ORIGIN;
    }
    const response = await api.app.request(`${ORIGIN}${path}`, { method, headers, body, redirect: 'manual' });
    return {
      status: response.status,
      text: await response.text(),
      headers: response.headers,
      location: response.headers.get('location'),
    };
  };
  return {
    ...api,
    page,
    async createUser(name, password) {
      await insertConsoleUser(api.db.sql, name, await hashPassword(password));
    },
    async logIn(name, password) {
      const response = await page('POST', '/login', { form: { name, password, next: '/' } });
      const cookie = sessionCookieOf(response.headers);
      if (response.status !== 303 || !cookie) throw new Error(`login failed: ${response.status}`);
      const home = await page('GET', '/', { cookie });
      return { cookie, csrf: csrfOf(home.text) };
    },
  };
}
