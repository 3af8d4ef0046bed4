import type { RouteHandler } from '@hono/zod-openapi';
import { findRawPunch, listRawPunches, rawPunchOrderFields } from '../../lib/db/punches.js';
import { sendPage } from '../common/paging.js';
import { NOT_FOUND } from '../common/responses.js';
import type { AppDeps } from '../deps.js';
import type * as routes from './routes.js';
import { toRawPunchBody } from './serialize.js';

export function rawAttendanceHandlers(deps: AppDeps) {
  const zone = deps.config.TIME_ZONE;

  const list: RouteHandler<typeof routes.listRawPunchesRoute> = async (c) => {
    const query = c.req.valid('query');
    const filters = {
      userId: query.user_id,
      deviceId: query.device,
      startDate: query.start_date,
      endDate: query.end_date,
    };
    return sendPage(c, query, {
      ordering: { fields: rawPunchOrderFields, fallback: [{ field: 'timestamp', descending: true }] },
      read: (page) => listRawPunches(deps.sql, { filters, ...page }),
      toBody: (row) => toRawPunchBody(row, zone),
    });
  };

  const get: RouteHandler<typeof routes.getRawPunchRoute> = async (c) => {
    const row = await findRawPunch(deps.sql, c.req.valid('param').id);
    return row ? c.json(toRawPunchBody(row, zone), 200) : c.json(NOT_FOUND, 404);
  };

  return { list, get };
}
