import { createRoute, z } from '@hono/zod-openapi';
import {
  commonErrors,
  ErrorBody,
  IdParams,
  jsonResponse,
  notFoundResponse,
  security,
  WaitQuery,
  WorkflowRunning,
} from '../common/schemas.js';
import {
  AttemptListQuery,
  AttendanceDay,
  AttendanceDayListQuery,
  AttendanceDayPage,
  DeliveryAttemptPage,
  OutlierListQuery,
  ProcessBody,
  ProcessQuery,
  ProcessResult,
  Stats,
  SyncQuery,
  SyncResult,
  UnsyncedQuery,
} from './schemas.js';

const tags = ['processed-attendance'];
const stillRunning = { 202: jsonResponse(WorkflowRunning, 'Not finished within the wait; it goes on') };
const workflowFailed = { 502: jsonResponse(ErrorBody, 'The workflow failed') };

export const listDaysRoute = createRoute({
  method: 'get',
  path: '/api/processed-attendance/',
  tags,
  security,
  summary: 'Daily records (one per user and attendance day)',
  request: { query: AttendanceDayListQuery },
  responses: {
    200: jsonResponse(AttendanceDayPage, 'A page of daily records'),
    ...commonErrors,
    ...notFoundResponse,
  },
});

export const unsyncedRoute = createRoute({
  method: 'get',
  path: '/api/processed-attendance/unsynced/',
  tags,
  security,
  summary: 'Records whose current revision the CRM does not have yet, oldest first',
  request: { query: UnsyncedQuery },
  responses: { 200: jsonResponse(z.array(AttendanceDay), 'Up to `limit` records'), ...commonErrors },
});

export const outliersRoute = createRoute({
  method: 'get',
  path: '/api/processed-attendance/outliers/',
  tags,
  security,
  summary: 'Outlier records',
  request: { query: OutlierListQuery },
  responses: {
    200: jsonResponse(AttendanceDayPage, 'A page of outlier records'),
    ...commonErrors,
    ...notFoundResponse,
  },
});

export const statsRoute = createRoute({
  method: 'get',
  path: '/api/processed-attendance/stats/',
  tags,
  security,
  summary: 'Delivery counts',
  responses: { 200: jsonResponse(Stats, 'Counts of records by delivery state'), ...commonErrors },
});

export const processRoute = createRoute({
  method: 'post',
  path: '/api/processed-attendance/process/',
  tags,
  security,
  summary: 'Process attendance now (new punches, or rebuild a date range)',
  request: {
    query: ProcessQuery,
    body: { required: false, content: { 'application/json': { schema: ProcessBody } } },
  },
  responses: {
    200: jsonResponse(ProcessResult, 'Processing finished'),
    ...stillRunning,
    ...commonErrors,
    ...workflowFailed,
  },
});

export const syncRoute = createRoute({
  method: 'post',
  path: '/api/processed-attendance/sync/',
  tags,
  security,
  summary: 'Deliver pending records to the CRM now',
  request: { query: SyncQuery },
  responses: {
    200: jsonResponse(SyncResult, 'The sync finished'),
    ...stillRunning,
    ...commonErrors,
    ...workflowFailed,
  },
});

export const getDayRoute = createRoute({
  method: 'get',
  path: '/api/processed-attendance/{id}/',
  tags,
  security,
  summary: 'One daily record',
  request: { params: IdParams },
  responses: { 200: jsonResponse(AttendanceDay, 'The record'), ...commonErrors, ...notFoundResponse },
});

export const attemptsRoute = createRoute({
  method: 'get',
  path: '/api/processed-attendance/{id}/attempts/',
  tags,
  security,
  summary: 'Every delivery attempt of one record, oldest first',
  request: { params: IdParams, query: AttemptListQuery },
  responses: {
    200: jsonResponse(DeliveryAttemptPage, 'A page of attempts'),
    ...commonErrors,
    ...notFoundResponse,
  },
});

export const redeliverRoute = createRoute({
  method: 'post',
  path: '/api/processed-attendance/{id}/redeliver/',
  tags,
  security,
  summary: 'Send one record to the CRM again, whatever its state',
  request: { params: IdParams, query: WaitQuery },
  responses: {
    200: jsonResponse(SyncResult, 'The delivery finished'),
    ...stillRunning,
    ...commonErrors,
    ...notFoundResponse,
    ...workflowFailed,
  },
});
