import { protectedRoutes } from '../common/routes.js';
import { jsonResponse, optionalJsonBody } from '../common/schemas.js';
import {
  Schedule,
  ScheduleListQuery,
  ScheduleNote,
  SchedulePage,
  ScheduleParams,
  Triggered,
} from './schemas.js';

const route = protectedRoutes('schedules');
const optionalNote = optionalJsonBody(ScheduleNote);

export const listSchedulesRoute = route({
  method: 'get',
  path: '/api/schedules/',
  summary: "The bridge's Temporal schedules: state, next runs, recent runs",
  request: { query: ScheduleListQuery },
  notFound: true,
  responses: { 200: jsonResponse(SchedulePage, 'The schedules') },
});

export const getScheduleRoute = route({
  method: 'get',
  path: '/api/schedules/{id}/',
  summary: 'One schedule',
  request: { params: ScheduleParams },
  notFound: true,
  responses: { 200: jsonResponse(Schedule, 'The schedule') },
});

export const triggerScheduleRoute = route({
  method: 'post',
  path: '/api/schedules/{id}/trigger/',
  summary: "Run the schedule's workflow now, under the schedule's overlap policy",
  request: { params: ScheduleParams },
  notFound: true,
  responses: { 202: jsonResponse(Triggered, 'Asked for a run') },
});

export const pauseScheduleRoute = route({
  method: 'post',
  path: '/api/schedules/{id}/pause/',
  summary: 'Pause a schedule (kept across restarts)',
  request: { params: ScheduleParams, body: optionalNote },
  notFound: true,
  responses: { 200: jsonResponse(Schedule, 'The paused schedule') },
});

export const unpauseScheduleRoute = route({
  method: 'post',
  path: '/api/schedules/{id}/unpause/',
  summary: 'Resume a paused schedule',
  request: { params: ScheduleParams, body: optionalNote },
  notFound: true,
  responses: { 200: jsonResponse(Schedule, 'The running schedule') },
});
