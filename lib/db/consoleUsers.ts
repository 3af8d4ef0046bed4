/** The console's people, their sessions and failed logins (migration 0007). */
import type { Sql } from './connection.js';

export interface ConsoleUserRow {
  id: number;
  name: string;
  passwordHash: string;
  createdAt: Date;
  lastLoginAt: Date | null;
  disabledAt: Date | null;
}

const userColumns = (sql: Sql) => sql`
  id, name, password_hash as "passwordHash", created_at as "createdAt",
  last_login_at as "lastLoginAt", disabled_at as "disabledAt"`;

/** Null when the name is taken. */
export async function insertConsoleUser(
  sql: Sql,
  name: string,
  passwordHash: string,
): Promise<ConsoleUserRow | null> {
  const [row] = await sql<ConsoleUserRow[]>`
    insert into console_users (name, password_hash) values (${name}, ${passwordHash})
    on conflict (name) do nothing
    returning ${userColumns(sql)}`;
  return row ?? null;
}

export async function findConsoleUser(sql: Sql, name: string): Promise<ConsoleUserRow | null> {
  const [row] = await sql<
    ConsoleUserRow[]
  >`select ${userColumns(sql)} from console_users where name = ${name}`;
  return row ?? null;
}

export async function listConsoleUsers(sql: Sql) {
  return sql<(Omit<ConsoleUserRow, 'passwordHash'> & { activeSessions: number })[]>`
    select u.id, u.name, u.created_at as "createdAt", u.last_login_at as "lastLoginAt",
           u.disabled_at as "disabledAt",
           (select count(*)::int from console_sessions s
             where s.user_id = u.id and s.revoked_at is null and s.expires_at > now()) as "activeSessions"
    from console_users u order by u.id`;
}

export async function setConsolePassword(sql: Sql, name: string, passwordHash: string): Promise<boolean> {
  const result = await sql`update console_users set password_hash = ${passwordHash} where name = ${name}`;
  return result.count > 0;
}

/** Disables the user and ends their sessions, in one statement each way round. */
export async function disableConsoleUser(sql: Sql, name: string): Promise<boolean> {
  return sql.begin(async (tx) => {
    const [user] = await tx<{ id: number }[]>`
      update console_users set disabled_at = coalesce(disabled_at, now()) where name = ${name} returning id`;
    if (!user) return false;
    await tx`update console_sessions set revoked_at = now() where user_id = ${user.id} and revoked_at is null`;
    return true;
  });
}

export async function enableConsoleUser(sql: Sql, name: string): Promise<boolean> {
  const result = await sql`update console_users set disabled_at = null where name = ${name}`;
  return result.count > 0;
}

// ---------------------------------------------------------------------------------------------------
// Sessions

export interface ConsoleSession {
  id: number;
  userId: number;
  userName: string;
  csrfToken: string;
  expiresAt: Date;
}

export async function insertConsoleSession(
  sql: Sql,
  session: { tokenHash: string; userId: number; csrfToken: string; address: string; hours: number },
): Promise<void> {
  await sql.begin(async (tx) => {
    await tx`
      insert into console_sessions (token_hash, user_id, csrf_token, address, expires_at)
      values (${session.tokenHash}, ${session.userId}, ${session.csrfToken}, ${session.address},
              now() + make_interval(hours => ${session.hours}))`;
    await tx`update console_users set last_login_at = now() where id = ${session.userId}`;
  });
}

/** The live session of that token: not revoked, not expired, its user not disabled. */
export async function findConsoleSession(sql: Sql, tokenHash: string): Promise<ConsoleSession | null> {
  const [row] = await sql<ConsoleSession[]>`
    update console_sessions s set last_seen_at = now()
    from console_users u
    where s.token_hash = ${tokenHash} and u.id = s.user_id
      and s.revoked_at is null and s.expires_at > now() and u.disabled_at is null
    returning s.id, s.user_id as "userId", u.name as "userName", s.csrf_token as "csrfToken",
              s.expires_at as "expiresAt"`;
  return row ?? null;
}

export async function revokeConsoleSession(sql: Sql, tokenHash: string): Promise<void> {
  await sql`update console_sessions set revoked_at = now() where token_hash = ${tokenHash} and revoked_at is null`;
}

/** Ends every session of the user; the count of those ended. Null when there is no such user. */
export async function revokeConsoleUserSessions(sql: Sql, name: string): Promise<number | null> {
  const [user] = await sql<{ id: number }[]>`select id from console_users where name = ${name}`;
  if (!user) return null;
  const result = await sql`
    update console_sessions set revoked_at = now() where user_id = ${user.id} and revoked_at is null`;
  return result.count;
}

// ---------------------------------------------------------------------------------------------------
// Failed logins

export type LoginSubject = 'user' | 'address';

export interface LoginFailures {
  subject: LoginSubject;
  failures: number;
  lastFailureAt: Date;
}

export async function readLoginFailures(
  sql: Sql,
  keys: { user: string; address: string },
): Promise<LoginFailures[]> {
  return sql<LoginFailures[]>`
    select subject, failures, last_failure_at as "lastFailureAt" from console_login_failures
    where (subject = 'user' and key = ${keys.user}) or (subject = 'address' and key = ${keys.address})`;
}

/**
 * Counts one more failure for the user name and the address. A run of failures that ended longer
 * ago than `resetAfterSeconds` starts again from one.
 */
export async function recordLoginFailure(
  sql: Sql,
  keys: { user: string; address: string },
  at: Date,
  resetAfterSeconds: number,
): Promise<void> {
  const rows = [
    { subject: 'user', key: keys.user },
    { subject: 'address', key: keys.address },
  ];
  for (const row of rows) {
    await sql`
      insert into console_login_failures as f (subject, key, failures, last_failure_at)
      values (${row.subject}, ${row.key}, 1, ${at})
      on conflict (subject, key) do update set
        failures = case
          when f.last_failure_at < ${at}::timestamptz - make_interval(secs => ${resetAfterSeconds}) then 1
          else f.failures + 1 end,
        last_failure_at = ${at}`;
  }
}

export async function clearLoginFailures(sql: Sql, user: string): Promise<void> {
  await sql`delete from console_login_failures where subject = 'user' and key = ${user}`;
}
