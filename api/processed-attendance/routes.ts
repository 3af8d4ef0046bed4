import { z } from '@hono/zod-openapi';
import { protectedRoutes } from '../common/routes.js';
import { IdParams, jsonResponse, optionalJsonBody, WaitQuery } from '../common/schemas.js';
import {
  AttemptListQuery,
  AttendanceDayBody,
  AttendanceDayListQuery,
  AttendanceDayPageBody,
  DeliveryAttemptPageBody,
  DeliveryStatsBody,
  OutlierListQuery,
  ProcessBody,
  ProcessQuery,
  ProcessResultBody,
  SyncQuery,
  SyncResultBody,
  UnsyncedQuery,
} from './schemas.js';

const route = protectedRoutes('processed-attendance');

export const listDaysRoute = route({
  method: 'get',
  path: '/api/processed-attendance/',
  summary: 'Daily records (one per user and attendance day)',
  request: { query: AttendanceDayListQuery },
  notFound: true,
  responses: { 200: jsonResponse(AttendanceDayPageBody, 'A page of daily records') },
});

export const unsyncedRoute = route({
  method: 'get',
  path: '/api/processed-attendance/unsynced/',
  summary: 'Records whose current revision the CRM does not have yet, oldest first',
  request: { query: UnsyncedQuery },
  responses: { 200: jsonResponse(z.array(AttendanceDayBody), 'Up to `limit` records') },
});

export const outliersRoute = route({
  method: 'get',
  path: '/api/processed-attendance/outliers/',
  summary: 'Outlier records',
  request: { query: OutlierListQuery },
  notFound: true,
  responses: { 200: jsonResponse(AttendanceDayPageBody, 'A page of outlier records') },
});

export const statsRoute = route({
  method: 'get',
  path: '/api/processed-attendance/stats/',
  summary: 'Delivery counts',
  responses: { 200: jsonResponse(DeliveryStatsBody, 'Counts of records by delivery state') },
});

export const processRoute = route({
  method: 'post',
  path: '/api/processed-attendance/process/',
  summary: 'Process attendance now (new punches, or rebuild a date range)',
  request: {
    query: ProcessQuery,
    body: optionalJsonBody(ProcessBody),
  },
  trigger: true,
  responses: { 200: jsonResponse(ProcessResultBody, 'Processing finished') },
});

export const syncRoute = route({
  method: 'post',
  path: '/api/processed-attendance/sync/',
  summary: 'Deliver pending records to the CRM now',
  request: { query: SyncQuery },
  trigger: true,
  responses: { 200: jsonResponse(SyncResultBody, 'The sync finished') },
});

export const getDayRoute = route({
  method: 'get',
  path: '/api/processed-attendance/{id}/',
  summary: 'One daily record',
  request: { params: IdParams },
  notFound: true,
  responses: { 200: jsonResponse(AttendanceDayBody, 'The record') },
});

export const attemptsRoute = route({
  method: 'get',
  path: '/api/processed-attendance/{id}/attempts/',
  summary: 'Every delivery attempt of one record, oldest first',
  request: { params: IdParams, query: AttemptListQuery },
  notFound: true,
  responses: { 200: jsonResponse(DeliveryAttemptPageBody, 'A page of attempts') },
});

export const redeliverRoute = route({
  method: 'post',
  path: '/api/processed-attendance/{id}/redeliver/',
  summary: 'Send one record to the CRM again, whatever its state',
  request: { params: IdParams, query: WaitQuery },
  notFound: true,
  trigger: true,
  responses: { 200: jsonResponse(SyncResultBody, 'The delivery finished') },
});
