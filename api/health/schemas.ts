import { z } from '@hono/zod-openapi';

export const HealthCheckBody = z.object({
  ok: z.boolean(),
  latencyMs: z.number(),
  error: z.string().optional(),
});

export const HealthBody = z
  .object({
    status: z.enum(['ok', 'unavailable']),
    version: z.string(),
    checks: z.object({ database: HealthCheckBody, temporal: HealthCheckBody, workers: HealthCheckBody }),
  })
  .openapi('Health');
