import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Sql } from '../db/connection.js';

/** Tokens are random, shown once, and stored only as SHA-256 hashes. */
export function generateToken(): string {
  return randomBytes(24).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function sameSecret(a: string, b: string): boolean {
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right);
}

export async function createToken(
  sql: Sql,
  name: string,
): Promise<{ id: number; name: string; token: string }> {
  const token = generateToken();
  const [row] = await sql<{ id: number }[]>`
    insert into api_tokens (name, token_hash) values (${name}, ${hashToken(token)}) returning id`;
  return { id: row.id, name, token };
}

export async function countActiveTokens(sql: Sql): Promise<number> {
  const [row] = await sql<
    { count: number }[]
  >`select count(*)::int as count from api_tokens where revoked_at is null`;
  return row.count;
}

export async function listTokens(sql: Sql) {
  return sql<
    { id: number; name: string; createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null }[]
  >`
    select id, name, created_at as "createdAt", last_used_at as "lastUsedAt", revoked_at as "revokedAt"
    from api_tokens order by id`;
}

export async function revokeToken(sql: Sql, id: number): Promise<boolean> {
  const result = await sql`update api_tokens set revoked_at = now() where id = ${id} and revoked_at is null`;
  return result.count > 0;
}

/** Checks a presented token against the bootstrap API_TOKEN and the stored, unrevoked tokens. */
export function createTokenVerifier(sql: Sql, bootstrapToken: string | null) {
  return async (presented: string): Promise<boolean> => {
    if (!presented) return false;
    if (bootstrapToken && sameSecret(presented, bootstrapToken)) return true;
    const rows = await sql`
      update api_tokens set last_used_at = now()
      where token_hash = ${hashToken(presented)} and revoked_at is null
      returning id`;
    return rows.count > 0;
  };
}

export type TokenVerifier = ReturnType<typeof createTokenVerifier>;
