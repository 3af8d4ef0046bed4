import type { RouteHandler } from '@hono/zod-openapi';
import type { Context } from 'hono';
import {
  type AttendanceDayFilters,
  attendanceDayOrderFields,
  findAttendanceDay,
  listAttendanceDays,
  listUnsyncedAttendanceDays,
} from '../../lib/db/attendanceDayList.js';
import { deliveryStats, listDeliveryAttempts } from '../../lib/db/deliveryReports.js';
import type { SyncRequest } from '../../lib/delivery/input.js';
import { toProcessResponse } from '../../lib/processing/counts.js';
import { manualProcessStart, syncStart } from '../../workflows/starts.js';
import { inMemory, sendPage } from '../common/paging.js';
import { answerTrigger, NOT_FOUND } from '../common/responses.js';
import { startOrAttach, waitMs } from '../common/workflows.js';
import type { AppDeps } from '../deps.js';
import { redeliverRecord } from './redeliver.js';
import type * as routes from './routes.js';
import { toAttendanceDayBody, toDeliveryAttemptBody, toSyncResultBody } from './serialize.js';

const DEFAULT_UNSYNCED_LIMIT = 100;
const DAYS_ORDER = [
  { field: 'date', descending: true },
  { field: 'user_id', descending: false },
] as const;

export function processedAttendanceHandlers(deps: AppDeps) {
  const zone = deps.config.TIME_ZONE;
  const idPrefix = deps.workflowIdPrefix;

  const listWith = async (
    c: Context,
    query: {
      ordering?: string;
      page?: number;
      page_size?: number;
      user_id?: string;
      start_date?: string;
      end_date?: string;
      synced_to_crm?: boolean;
      delivery_status?: AttendanceDayFilters['deliveryStatus'];
    },
    isOutlier: boolean | undefined,
  ) => {
    const filters = {
      userId: query.user_id,
      startDate: query.start_date,
      endDate: query.end_date,
      isOutlier,
      syncedToCrm: query.synced_to_crm,
      deliveryStatus: query.delivery_status,
    };
    return sendPage(c, query, {
      ordering: { fields: attendanceDayOrderFields, fallback: DAYS_ORDER },
      read: (page) => listAttendanceDays(deps.sql, { filters, ...page }),
      toBody: (row) => toAttendanceDayBody(row, zone),
    });
  };

  const list: RouteHandler<typeof routes.listDaysRoute> = async (c) => {
    const query = c.req.valid('query');
    return listWith(c, query, query.is_outlier);
  };

  const outliers: RouteHandler<typeof routes.outliersRoute> = async (c) =>
    listWith(c, c.req.valid('query'), true);

  const unsynced: RouteHandler<typeof routes.unsyncedRoute> = async (c) => {
    const limit = c.req.valid('query').limit ?? DEFAULT_UNSYNCED_LIMIT;
    const rows = await listUnsyncedAttendanceDays(deps.sql, limit);
    return c.json(
      rows.map((row) => toAttendanceDayBody(row, zone)),
      200,
    );
  };

  const stats: RouteHandler<typeof routes.statsRoute> = async (c) =>
    c.json(await deliveryStats(deps.sql), 200);

  const get: RouteHandler<typeof routes.getDayRoute> = async (c) => {
    const row = await findAttendanceDay(deps.sql, c.req.valid('param').id);
    return row ? c.json(toAttendanceDayBody(row, zone), 200) : c.json(NOT_FOUND, 404);
  };

  const attempts: RouteHandler<typeof routes.attemptsRoute> = async (c) => {
    const id = c.req.valid('param').id;
    if (!(await findAttendanceDay(deps.sql, id))) return c.json(NOT_FOUND, 404);
    // A record has a handful of attempts per revision: page them here rather than in SQL.
    const all = await listDeliveryAttempts(deps.sql, id);
    return sendPage(c, c.req.valid('query'), {
      read: (page) => inMemory(all, page),
      toBody: (attempt) => toDeliveryAttemptBody(attempt, zone),
    });
  };

  const process: RouteHandler<typeof routes.processRoute> = async (c) => {
    const query = c.req.valid('query');
    const body = c.req.valid('json');
    // The original took the range in the body or the query string; the body wins where both say.
    const startDate = body.start_date ?? query.start_date;
    const endDate = body.end_date ?? query.end_date;
    if (startDate && endDate && startDate > endDate) {
      return c.json({ error: `start_date: must be on or before end_date (${startDate} > ${endDate})` }, 400);
    }
    const start = manualProcessStart(deps.config, { startDate, endDate });
    const outcome = await startOrAttach(deps.temporal, start, { waitMs: waitMs(query), idPrefix });
    return answerTrigger(c, outcome, 'processing', toProcessResponse);
  };

  const runSync = (request: SyncRequest, wait: number) =>
    startOrAttach(deps.temporal, syncStart(deps.config, 'manual', request), { waitMs: wait, idPrefix });

  const sync: RouteHandler<typeof routes.syncRoute> = async (c) => {
    const query = c.req.valid('query');
    const request = query.limit === undefined ? {} : { limit: query.limit };
    const outcome = await runSync(request, waitMs(query));
    return answerTrigger(c, outcome, 'sync', toSyncResultBody);
  };

  const redeliver: RouteHandler<typeof routes.redeliverRoute> = async (c) => {
    const id = c.req.valid('param').id;
    const outcome = await redeliverRecord(deps, id, waitMs(c.req.valid('query')));
    if (!outcome) return c.json(NOT_FOUND, 404);
    return answerTrigger(c, outcome, `delivery of record ${id}`, toSyncResultBody);
  };

  return { list, outliers, unsynced, stats, get, attempts, process, sync, redeliver };
}
