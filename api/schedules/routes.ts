import { createRoute } from '@hono/zod-openapi';
import { commonErrors, jsonResponse, notFoundResponse, security } from '../common/schemas.js';
import {
  Schedule,
  ScheduleListQuery,
  ScheduleNote,
  SchedulePage,
  ScheduleParams,
  Triggered,
} from './schemas.js';

const tags = ['schedules'];
const optionalNote = { required: false, content: { 'application/json': { schema: ScheduleNote } } };

export const listSchedulesRoute = createRoute({
  method: 'get',
  path: '/api/schedules/',
  tags,
  security,
  summary: "The bridge's Temporal schedules: state, next runs, recent runs",
  request: { query: ScheduleListQuery },
  responses: { 200: jsonResponse(SchedulePage, 'The schedules'), ...commonErrors, ...notFoundResponse },
});

export const getScheduleRoute = createRoute({
  method: 'get',
  path: '/api/schedules/{id}/',
  tags,
  security,
  summary: 'One schedule',
  request: { params: ScheduleParams },
  responses: { 200: jsonResponse(Schedule, 'The schedule'), ...commonErrors, ...notFoundResponse },
});

export const triggerScheduleRoute = createRoute({
  method: 'post',
  path: '/api/schedules/{id}/trigger/',
  tags,
  security,
  summary: "Run the schedule's workflow now, under the schedule's overlap policy",
  request: { params: ScheduleParams },
  responses: { 202: jsonResponse(Triggered, 'Asked for a run'), ...commonErrors, ...notFoundResponse },
});

export const pauseScheduleRoute = createRoute({
  method: 'post',
  path: '/api/schedules/{id}/pause/',
  tags,
  security,
  summary: 'Pause a schedule (kept across restarts)',
  request: { params: ScheduleParams, body: optionalNote },
  responses: { 200: jsonResponse(Schedule, 'The paused schedule'), ...commonErrors, ...notFoundResponse },
});

export const unpauseScheduleRoute = createRoute({
  method: 'post',
  path: '/api/schedules/{id}/unpause/',
  tags,
  security,
  summary: 'Resume a paused schedule',
  request: { params: ScheduleParams, body: optionalNote },
  responses: { 200: jsonResponse(Schedule, 'The running schedule'), ...commonErrors, ...notFoundResponse },
});
