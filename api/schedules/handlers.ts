import type { RouteHandler } from '@hono/zod-openapi';
import { type ScheduleDescription, ScheduleNotFoundError, ScheduleOverlapPolicy } from '@temporalio/client';
import { type BridgeSchedule, bridgeSchedules } from '../../worker/schedules.js';
import { inMemory, sendPage } from '../common/paging.js';
import { NOT_FOUND } from '../common/responses.js';
import type { AppDeps } from '../deps.js';
import type * as routes from './routes.js';
import { toScheduleBody } from './serialize.js';

/**
 * Only the bridge's own schedules are shown and driven, never another schedule that shares the
 * Temporal namespace.
 */
export function scheduleHandlers(deps: AppDeps) {
  const zone = deps.config.TIME_ZONE;
  const known = deps.schedules ?? bridgeSchedules(deps.config);
  const byId = new Map(known.map((schedule) => [schedule.id, schedule]));

  /** The schedule and its description, or null when it is not ours or does not exist (yet). */
  async function describe(
    id: string,
  ): Promise<{ known: BridgeSchedule; described: ScheduleDescription } | null> {
    const schedule = byId.get(id);
    if (!schedule) return null;
    try {
      return { known: schedule, described: await deps.temporal.schedule.getHandle(id).describe() };
    } catch (error) {
      if (error instanceof ScheduleNotFoundError) return null;
      throw error;
    }
  }

  const list: RouteHandler<typeof routes.listSchedulesRoute> = async (c) => {
    // Every call settles before the answer, also when one fails: none is left retrying behind it.
    const settled = await Promise.allSettled(known.map((schedule) => describe(schedule.id)));
    const failed = settled.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    const found = settled.flatMap((result) =>
      result.status === 'fulfilled' && result.value !== null ? [result.value] : [],
    );
    return sendPage(c, c.req.valid('query'), {
      read: (page) => inMemory(found, page),
      toBody: (s) => toScheduleBody(s.known, s.described, zone),
    });
  };

  const get: RouteHandler<typeof routes.getScheduleRoute> = async (c) => {
    const found = await describe(c.req.valid('param').id);
    return found ? c.json(toScheduleBody(found.known, found.described, zone), 200) : c.json(NOT_FOUND, 404);
  };

  const trigger: RouteHandler<typeof routes.triggerScheduleRoute> = async (c) => {
    const found = await describe(c.req.valid('param').id);
    if (!found) return c.json(NOT_FOUND, 404);
    // trigger() alone would allow an overlapping run; the schedule's own policy (SKIP) must hold.
    const overlap = found.described.policies.overlap ?? ScheduleOverlapPolicy.SKIP;
    await deps.temporal.schedule.getHandle(found.known.id).trigger(overlap);
    return c.json({ id: found.known.id, status: 'triggered' as const, overlap_policy: overlap }, 202);
  };

  const pause: RouteHandler<typeof routes.pauseScheduleRoute> = async (c) => {
    const id = c.req.valid('param').id;
    if (!(await describe(id))) return c.json(NOT_FOUND, 404);
    await deps.temporal.schedule.getHandle(id).pause(c.req.valid('json').note || 'Paused through the API');
    const found = await describe(id);
    return found ? c.json(toScheduleBody(found.known, found.described, zone), 200) : c.json(NOT_FOUND, 404);
  };

  const unpause: RouteHandler<typeof routes.unpauseScheduleRoute> = async (c) => {
    const id = c.req.valid('param').id;
    if (!(await describe(id))) return c.json(NOT_FOUND, 404);
    await deps.temporal.schedule
      .getHandle(id)
      .unpause(c.req.valid('json').note || 'Unpaused through the API');
    const found = await describe(id);
    return found ? c.json(toScheduleBody(found.known, found.described, zone), 200) : c.json(NOT_FOUND, 404);
  };

  return { list, get, trigger, pause, unpause };
}
