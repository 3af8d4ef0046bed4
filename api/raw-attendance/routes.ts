import { protectedRoutes } from '../common/routes.js';
import { IdParams, jsonResponse } from '../common/schemas.js';
import { RawPunchBody, RawPunchListQuery, RawPunchPageBody } from './schemas.js';

const route = protectedRoutes('raw-attendance');

export const listRawPunchesRoute = route({
  method: 'get',
  path: '/api/raw-attendance/',
  summary: 'Punches as read from the devices (dates are device wall-clock dates)',
  request: { query: RawPunchListQuery },
  notFound: true,
  responses: { 200: jsonResponse(RawPunchPageBody, 'A page of punches') },
});

export const getRawPunchRoute = route({
  method: 'get',
  path: '/api/raw-attendance/{id}/',
  summary: 'One punch',
  request: { params: IdParams },
  notFound: true,
  responses: { 200: jsonResponse(RawPunchBody, 'The punch') },
});
