import { timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';
import type { ConsoleAuth } from '../../lib/auth/consoleLogin.js';
import type { ConsoleSession } from '../../lib/db/consoleUsers.js';
import { loginPath } from './paths.js';

export const SESSION_COOKIE = 'bridge_console';
/** The name of the hidden field every state-changing form carries (see `CsrfField`). */
export const CSRF_FIELD = '_csrf';

export interface ConsoleEnv {
  Variables: { session: ConsoleSession };
}

/** Served over TLS, or behind a proxy that says the client used https. */
export function isSecureRequest(c: Context): boolean {
  if (new URL(c.req.url).protocol === 'https:') return true;
  const forwarded = c.req.header('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase();
  return forwarded === 'https';
}

export function setSessionCookie(c: Context, token: string, hours: number): void {
  setCookie(c, SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'Lax',
    secure: isSecureRequest(c),
    maxAge: hours * 3600,
  });
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: isSecureRequest(c) });
}

export const sessionToken = (c: Context) => getCookie(c, SESSION_COOKIE);

/** Pages need a live session; without one a read goes to the login and comes back after it. */
export function requireSession(auth: ConsoleAuth): MiddlewareHandler<ConsoleEnv> {
  return async (c, next) => {
    const session = await auth.session(sessionToken(c));
    if (!session) {
      if (sessionToken(c)) clearSessionCookie(c);
      const url = new URL(c.req.url);
      const back = c.req.method === 'GET' ? `${url.pathname}${url.search}` : '/';
      // htmx follows HX-Redirect with a full page load instead of swapping the login into a fragment.
      if (c.req.header('hx-request')) return c.body(null, 401, { 'HX-Redirect': loginPath(back) });
      return c.redirect(loginPath(back), 303);
    }
    c.set('session', session);
    c.header('Cache-Control', 'no-store');
    await next();
  };
}

function sameSecret(presented: string, expected: string): boolean {
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

const originCheck = csrf();

/**
 * Two locks on every state-changing request: the browser must say the form came from this site
 * (Origin or Sec-Fetch-Site, hono/csrf), and the form must carry the session's own token, which a
 * page on another site cannot read.
 */
export function requireCsrf(
  forbidden: (c: Context) => Response | Promise<Response>,
): MiddlewareHandler<ConsoleEnv> {
  return async (c, next) => {
    if (['GET', 'HEAD', 'OPTIONS'].includes(c.req.method)) return next();
    try {
      await originCheck(c, async () => {});
    } catch (error) {
      if (error instanceof HTTPException) return forbidden(c);
      throw error;
    }
    const session = c.get('session');
    const body = await c.req.parseBody();
    const presented = typeof body[CSRF_FIELD] === 'string' ? body[CSRF_FIELD] : c.req.header('x-csrf-token');
    if (!session || !presented || !sameSecret(presented, session.csrfToken)) return forbidden(c);
    await next();
  };
}

/** Only the origin check: the login form has no session yet, hence no session token. */
export function requireSameOrigin(
  forbidden: (c: Context) => Response | Promise<Response>,
): MiddlewareHandler {
  return async (c, next) => {
    try {
      await originCheck(c, async () => {});
    } catch (error) {
      if (error instanceof HTTPException) return forbidden(c);
      throw error;
    }
    await next();
  };
}
