import { createHash, randomBytes } from 'node:crypto';
import type { Sql } from '../db/connection.js';
import {
  type ConsoleSession,
  clearLoginFailures,
  findConsoleSession,
  findConsoleUser,
  insertConsoleSession,
  readLoginFailures,
  recordLoginFailure,
  revokeConsoleSession,
} from '../db/consoleUsers.js';
import { FAILURE_MEMORY_SECONDS, secondsUntilNextAttempt } from './loginThrottle.js';
import { decoyHash, verifyPassword } from './passwords.js';

export type LoginOutcome =
  | { ok: true; token: string }
  | { ok: false; reason: 'wrong' }
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number };

const hashSessionToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** Console logins and sessions over the tables of lib/db/consoleUsers.ts. */
export function createConsoleAuth(sql: Sql, options: { sessionHours: number; now?: () => Date }) {
  const now = options.now ?? (() => new Date());

  async function logIn(name: string, password: string, address: string): Promise<LoginOutcome> {
    const keys = { user: name.trim().toLowerCase(), address };
    // A throttled attempt is not even checked, so a correct guess then tells nothing either.
    const wait = secondsUntilNextAttempt(await readLoginFailures(sql, keys), now());
    if (wait > 0) return { ok: false, reason: 'throttled', retryAfterSeconds: wait };
    const user = await findConsoleUser(sql, name.trim());
    // The same scrypt work whether the user exists, is disabled or not: the timing says nothing.
    const matches = await verifyPassword(password, user?.passwordHash ?? (await decoyHash()));
    if (!user || !matches || user.disabledAt) {
      await recordLoginFailure(sql, keys, now(), FAILURE_MEMORY_SECONDS);
      return { ok: false, reason: 'wrong' };
    }
    await clearLoginFailures(sql, keys.user);
    const token = randomBytes(32).toString('base64url');
    await insertConsoleSession(sql, {
      tokenHash: hashSessionToken(token),
      userId: user.id,
      csrfToken: randomBytes(32).toString('base64url'),
      address,
      hours: options.sessionHours,
    });
    return { ok: true, token };
  }

  async function session(token: string | undefined): Promise<ConsoleSession | null> {
    if (!token || token.length > 200) return null;
    return findConsoleSession(sql, hashSessionToken(token));
  }

  async function logOut(token: string): Promise<void> {
    await revokeConsoleSession(sql, hashSessionToken(token));
  }

  return { logIn, session, logOut };
}

export type ConsoleAuth = ReturnType<typeof createConsoleAuth>;
