import type { RouteHandler } from '@hono/zod-openapi';
import { parseOrdering } from '../../lib/api/ordering.js';
import { pageWindow } from '../../lib/api/pagination.js';
import { findRawPunch, listRawPunches, rawPunchOrderFields } from '../../lib/db/reports.js';
import { pageRequest, sendPage } from '../common/paging.js';
import { NOT_FOUND } from '../common/responses.js';
import type { AppDeps } from '../deps.js';
import type { getRawPunchRoute, listRawPunchesRoute } from './routes.js';
import { toRawPunchBody } from './serialize.js';

export function rawAttendanceHandlers(deps: AppDeps) {
  const zone = deps.config.TIME_ZONE;

  const list: RouteHandler<typeof listRawPunchesRoute> = async (c) => {
    const query = c.req.valid('query');
    const order = parseOrdering(query.ordering, rawPunchOrderFields, [
      { field: 'timestamp', descending: true },
    ]);
    if (!order.ok) return c.json({ error: order.error }, 400);
    const request = pageRequest(query);
    const { count, rows } = await listRawPunches(deps.sql, {
      filters: {
        userId: query.user_id,
        deviceId: query.device,
        startDate: query.start_date,
        endDate: query.end_date,
      },
      order: order.terms,
      window: pageWindow(request),
    });
    return sendPage(
      c,
      request,
      count,
      rows.map((row) => toRawPunchBody(row, zone)),
    );
  };

  const get: RouteHandler<typeof getRawPunchRoute> = async (c) => {
    const row = await findRawPunch(deps.sql, c.req.valid('param').id);
    return row ? c.json(toRawPunchBody(row, zone), 200) : c.json(NOT_FOUND, 404);
  };

  return { list, get };
}
