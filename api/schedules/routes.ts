import { protectedRoutes } from '../common/routes.js';
import { jsonResponse, optionalJsonBody } from '../common/schemas.js';
import {
  ScheduleBody,
  ScheduleListQuery,
  ScheduleNoteBody,
  SchedulePageBody,
  ScheduleParams,
  ScheduleTriggeredBody,
} from './schemas.js';

const route = protectedRoutes('schedules');
const optionalNote = optionalJsonBody(ScheduleNoteBody);

export const listSchedulesRoute = route({
  method: 'get',
  path: '/api/schedules/',
  summary: "The bridge's Temporal schedules: state, next runs, recent runs",
  request: { query: ScheduleListQuery },
  notFound: true,
  responses: { 200: jsonResponse(SchedulePageBody, 'The schedules') },
});

export const getScheduleRoute = route({
  method: 'get',
  path: '/api/schedules/{id}/',
  summary: 'One schedule',
  request: { params: ScheduleParams },
  notFound: true,
  responses: { 200: jsonResponse(ScheduleBody, 'The schedule') },
});

export const triggerScheduleRoute = route({
  method: 'post',
  path: '/api/schedules/{id}/trigger/',
  summary: "Run the schedule's workflow now, under the schedule's overlap policy",
  request: { params: ScheduleParams },
  notFound: true,
  responses: { 202: jsonResponse(ScheduleTriggeredBody, 'Asked for a run') },
});

export const pauseScheduleRoute = route({
  method: 'post',
  path: '/api/schedules/{id}/pause/',
  summary: 'Pause a schedule (kept across restarts)',
  request: { params: ScheduleParams, body: optionalNote },
  notFound: true,
  responses: { 200: jsonResponse(ScheduleBody, 'The paused schedule') },
});

export const unpauseScheduleRoute = route({
  method: 'post',
  path: '/api/schedules/{id}/unpause/',
  summary: 'Resume a paused schedule',
  request: { params: ScheduleParams, body: optionalNote },
  notFound: true,
  responses: { 200: jsonResponse(ScheduleBody, 'The running schedule') },
});
