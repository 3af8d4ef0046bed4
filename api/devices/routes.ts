import { z } from '@hono/zod-openapi';
import { protectedRoutes } from '../common/routes.js';
import { ErrorBody, IdParams, jsonBody, jsonResponse, WaitQuery } from '../common/schemas.js';
import {
  DeviceBody,
  DeviceInfoBody,
  DeviceListQuery,
  DevicePageBody,
  DevicePatchBody,
  DevicePollResultBody,
  DeviceStatusReportBody,
  DeviceUnreachableBody,
  DeviceUserListQuery,
  DeviceUserPageBody,
  DeviceWriteBody,
  PollAllResultBody,
} from './schemas.js';

const route = protectedRoutes('devices');

export const listDevicesRoute = route({
  method: 'get',
  path: '/api/devices/',
  summary: 'List devices',
  request: { query: DeviceListQuery },
  notFound: true,
  responses: { 200: jsonResponse(DevicePageBody, 'A page of devices') },
});

export const createDeviceRoute = route({
  method: 'post',
  path: '/api/devices/',
  summary: 'Add a device',
  request: { body: jsonBody(DeviceWriteBody) },
  responses: { 201: jsonResponse(DeviceBody, 'The new device') },
});

export const pollAllRoute = route({
  method: 'post',
  path: '/api/devices/poll_all/',
  summary: 'Poll every enabled device now',
  request: { query: WaitQuery },
  trigger: true,
  responses: { 200: jsonResponse(PollAllResultBody, 'Every device polled') },
});

export const getDeviceRoute = route({
  method: 'get',
  path: '/api/devices/{id}/',
  summary: 'One device',
  request: { params: IdParams },
  notFound: true,
  responses: { 200: jsonResponse(DeviceBody, 'The device') },
});

export const replaceDeviceRoute = route({
  method: 'put',
  path: '/api/devices/{id}/',
  summary: 'Change a device (name and ip_address required)',
  request: { params: IdParams, body: jsonBody(DeviceWriteBody) },
  notFound: true,
  responses: { 200: jsonResponse(DeviceBody, 'The changed device') },
});

export const patchDeviceRoute = route({
  method: 'patch',
  path: '/api/devices/{id}/',
  summary: 'Change some settings of a device',
  request: { params: IdParams, body: jsonBody(DevicePatchBody) },
  notFound: true,
  responses: { 200: jsonResponse(DeviceBody, 'The changed device') },
});

export const deleteDeviceRoute = route({
  method: 'delete',
  path: '/api/devices/{id}/',
  summary: 'Delete a device that has no punches',
  request: { params: IdParams },
  notFound: true,
  responses: {
    204: { description: 'Deleted' },
    409: jsonResponse(ErrorBody, 'The device has punches; disable it instead'),
  },
});

export const deviceUsersRoute = route({
  method: 'get',
  path: '/api/devices/{id}/users/',
  summary: 'Users enrolled on the device, as of its last poll',
  request: { params: IdParams, query: DeviceUserListQuery },
  notFound: true,
  responses: { 200: jsonResponse(DeviceUserPageBody, 'A page of device users') },
});

export const deviceStatusRoute = route({
  method: 'get',
  path: '/api/devices/{id}/status/',
  summary: 'What the last polls saw, and the recent poll runs',
  request: { params: IdParams },
  notFound: true,
  responses: { 200: jsonResponse(DeviceStatusReportBody, 'Device status') },
});

export const deviceInfoRoute = route({
  method: 'get',
  path: '/api/devices/{id}/info/',
  summary: 'Ask the device now who it is and how full it is',
  request: { params: IdParams },
  notFound: true,
  responses: {
    200: jsonResponse(DeviceInfoBody, 'What the device answered'),
    503: jsonResponse(
      z.union([DeviceUnreachableBody, ErrorBody]),
      'The device did not answer, or PostgreSQL or Temporal is not reachable',
    ),
  },
});

export const pollDeviceRoute = route({
  method: 'post',
  path: '/api/devices/{id}/poll/',
  summary: 'Poll one device now',
  request: { params: IdParams, query: WaitQuery },
  notFound: true,
  trigger: true,
  responses: { 200: jsonResponse(DevicePollResultBody, 'The poll finished (status success or error)') },
});
