import type { RouteHandler, z } from '@hono/zod-openapi';
import type { AppDeps } from '../deps.js';
import type * as routes from './routes.js';
import type { HealthCheckBody } from './schemas.js';
import { requireLivePollers } from './workers.js';

const CHECK_TIMEOUT_MS = 3000;

async function timed(check: () => Promise<unknown>): Promise<z.infer<typeof HealthCheckBody>> {
  const started = performance.now();
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error('no answer within 3 s')), CHECK_TIMEOUT_MS).unref(),
      ),
    ]);
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return { ok: false, latencyMs: Math.round(performance.now() - started), error: (error as Error).message };
  }
}

export function healthHandlers(deps: AppDeps) {
  const health: RouteHandler<typeof routes.healthRoute> = async (c) => {
    const [database, temporal, workers] = await Promise.all([
      timed(() => deps.sql`select 1`),
      // The deadline also ends the client's own retries: a probe leaves no call retrying behind it.
      timed(() =>
        deps.temporal.withDeadline(Date.now() + CHECK_TIMEOUT_MS, () =>
          deps.temporal.workflowService.getSystemInfo({}),
        ),
      ),
      // Processes can be up while no worker takes tasks (a crashed worker): the queues tell.
      timed(() =>
        deps.temporal.withDeadline(Date.now() + CHECK_TIMEOUT_MS, () =>
          requireLivePollers(deps.temporal, deps.config),
        ),
      ),
    ]);
    const ok = database.ok && temporal.ok && workers.ok;
    const body = {
      status: ok ? ('ok' as const) : ('unavailable' as const),
      version: deps.version,
      checks: { database, temporal, workers },
    };
    return ok ? c.json(body, 200) : c.json(body, 503);
  };
  return { health };
}
