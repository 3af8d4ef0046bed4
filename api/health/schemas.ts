import { z } from '@hono/zod-openapi';

export const Check = z.object({ ok: z.boolean(), latencyMs: z.number(), error: z.string().optional() });

export const Health = z
  .object({
    status: z.enum(['ok', 'unavailable']),
    version: z.string(),
    checks: z.object({ database: Check, temporal: Check }),
  })
  .openapi('Health');
