import { createRoute } from '@hono/zod-openapi';
import { commonErrors, IdParams, jsonResponse, notFoundResponse, security } from '../common/schemas.js';
import { RawPunch, RawPunchListQuery, RawPunchPage } from './schemas.js';

const tags = ['raw-attendance'];

export const listRawPunchesRoute = createRoute({
  method: 'get',
  path: '/api/raw-attendance/',
  tags,
  security,
  summary: 'Punches as read from the devices (dates are device wall-clock dates)',
  request: { query: RawPunchListQuery },
  responses: { 200: jsonResponse(RawPunchPage, 'A page of punches'), ...commonErrors, ...notFoundResponse },
});

export const getRawPunchRoute = createRoute({
  method: 'get',
  path: '/api/raw-attendance/{id}/',
  tags,
  security,
  summary: 'One punch',
  request: { params: IdParams },
  responses: { 200: jsonResponse(RawPunch, 'The punch'), ...commonErrors, ...notFoundResponse },
});
