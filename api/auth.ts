import type { MiddlewareHandler } from 'hono';
import type { TokenVerifier } from '../lib/auth/tokens.js';

const NOT_PROVIDED = { detail: 'Authentication credentials were not provided.' };
const INVALID = { detail: 'Invalid token.' };

/** `Authorization: Token <key>` as the original API took it, and `Bearer <key>`. */
export function requireToken(verify: TokenVerifier): MiddlewareHandler {
  return async (c, next) => {
    const header = c.req.header('authorization');
    if (!header) return c.json(NOT_PROVIDED, 401, { 'WWW-Authenticate': 'Token' });
    const match = /^(Token|Bearer)\s+(\S+)\s*$/i.exec(header);
    if (!match) return c.json(INVALID, 401, { 'WWW-Authenticate': 'Token' });
    if (!(await verify(match[2]))) return c.json(INVALID, 401, { 'WWW-Authenticate': 'Token' });
    await next();
  };
}
