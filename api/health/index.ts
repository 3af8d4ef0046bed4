import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppDeps } from '../deps.js';

const Check = z.object({ ok: z.boolean(), latencyMs: z.number(), error: z.string().optional() });
const Health = z
  .object({
    status: z.enum(['ok', 'unavailable']),
    version: z.string(),
    checks: z.object({ database: Check, temporal: Check }),
  })
  .openapi('Health');

const route = createRoute({
  method: 'get',
  path: '/health',
  tags: ['health'],
  summary: 'Liveness and readiness: PostgreSQL and Temporal reachable',
  responses: {
    200: {
      description: 'Everything the bridge needs answers',
      content: { 'application/json': { schema: Health } },
    },
    503: { description: 'A dependency does not answer', content: { 'application/json': { schema: Health } } },
  },
});

async function timed(check: () => Promise<unknown>): Promise<z.infer<typeof Check>> {
  const started = performance.now();
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 3 s')), 3000).unref()),
    ]);
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return { ok: false, latencyMs: Math.round(performance.now() - started), error: (error as Error).message };
  }
}

export function healthRoutes(deps: AppDeps) {
  return new OpenAPIHono().openapi(route, async (c) => {
    const [database, temporal] = await Promise.all([
      timed(() => deps.sql`select 1`),
      timed(() => deps.temporal.workflowService.getSystemInfo({})),
    ]);
    const ok = database.ok && temporal.ok;
    const body = {
      status: ok ? ('ok' as const) : ('unavailable' as const),
      version: deps.version,
      checks: { database, temporal },
    };
    return ok ? c.json(body, 200) : c.json(body, 503);
  });
}
