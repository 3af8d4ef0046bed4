import { createRoute } from '@hono/zod-openapi';
import {
  commonErrors,
  ErrorBody,
  IdParams,
  jsonBody,
  jsonResponse,
  notFoundResponse,
  security,
  WaitQuery,
  WorkflowRunning,
} from '../common/schemas.js';
import {
  Device,
  DeviceInfo,
  DeviceListQuery,
  DevicePage,
  DevicePatch,
  DevicePollResult,
  DeviceStatusReport,
  DeviceUnreachable,
  DeviceUserListQuery,
  DeviceUserPage,
  DeviceWrite,
  PollAllResult,
} from './schemas.js';

const tags = ['devices'];
const json = jsonResponse;
const body = jsonBody;
const stillRunning = { 202: json(WorkflowRunning, 'Not finished within the wait; it goes on') };

export const listDevicesRoute = createRoute({
  method: 'get',
  path: '/api/devices/',
  tags,
  security,
  summary: 'List devices',
  request: { query: DeviceListQuery },
  responses: { 200: json(DevicePage, 'A page of devices'), ...commonErrors, ...notFoundResponse },
});

export const createDeviceRoute = createRoute({
  method: 'post',
  path: '/api/devices/',
  tags,
  security,
  summary: 'Add a device',
  request: { body: body(DeviceWrite) },
  responses: { 201: json(Device, 'The new device'), ...commonErrors },
});

export const pollAllRoute = createRoute({
  method: 'post',
  path: '/api/devices/poll_all/',
  tags,
  security,
  summary: 'Poll every enabled device now',
  request: { query: WaitQuery },
  responses: {
    200: json(PollAllResult, 'Every device polled'),
    ...stillRunning,
    ...commonErrors,
    502: json(ErrorBody, 'The workflow failed'),
  },
});

export const getDeviceRoute = createRoute({
  method: 'get',
  path: '/api/devices/{id}/',
  tags,
  security,
  summary: 'One device',
  request: { params: IdParams },
  responses: { 200: json(Device, 'The device'), ...commonErrors, ...notFoundResponse },
});

export const replaceDeviceRoute = createRoute({
  method: 'put',
  path: '/api/devices/{id}/',
  tags,
  security,
  summary: 'Change a device (name and ip_address required)',
  request: { params: IdParams, body: body(DeviceWrite) },
  responses: { 200: json(Device, 'The changed device'), ...commonErrors, ...notFoundResponse },
});

export const patchDeviceRoute = createRoute({
  method: 'patch',
  path: '/api/devices/{id}/',
  tags,
  security,
  summary: 'Change some settings of a device',
  request: { params: IdParams, body: body(DevicePatch) },
  responses: { 200: json(Device, 'The changed device'), ...commonErrors, ...notFoundResponse },
});

export const deleteDeviceRoute = createRoute({
  method: 'delete',
  path: '/api/devices/{id}/',
  tags,
  security,
  summary: 'Delete a device that has no punches',
  request: { params: IdParams },
  responses: {
    204: { description: 'Deleted' },
    ...commonErrors,
    ...notFoundResponse,
    409: json(ErrorBody, 'The device has punches; disable it instead'),
  },
});

export const deviceUsersRoute = createRoute({
  method: 'get',
  path: '/api/devices/{id}/users/',
  tags,
  security,
  summary: 'Users enrolled on the device, as of its last poll',
  request: { params: IdParams, query: DeviceUserListQuery },
  responses: { 200: json(DeviceUserPage, 'A page of device users'), ...commonErrors, ...notFoundResponse },
});

export const deviceStatusRoute = createRoute({
  method: 'get',
  path: '/api/devices/{id}/status/',
  tags,
  security,
  summary: 'What the last polls saw, and the recent poll runs',
  request: { params: IdParams },
  responses: { 200: json(DeviceStatusReport, 'Device status'), ...commonErrors, ...notFoundResponse },
});

export const deviceInfoRoute = createRoute({
  method: 'get',
  path: '/api/devices/{id}/info/',
  tags,
  security,
  summary: 'Ask the device now who it is and how full it is',
  request: { params: IdParams },
  responses: {
    200: json(DeviceInfo, 'What the device answered'),
    ...commonErrors,
    ...notFoundResponse,
    503: json(DeviceUnreachable, 'The device did not answer'),
  },
});

export const pollDeviceRoute = createRoute({
  method: 'post',
  path: '/api/devices/{id}/poll/',
  tags,
  security,
  summary: 'Poll one device now',
  request: { params: IdParams, query: WaitQuery },
  responses: {
    200: json(DevicePollResult, 'The poll finished (status success or error)'),
    ...stillRunning,
    ...commonErrors,
    ...notFoundResponse,
    502: json(ErrorBody, 'The workflow failed'),
  },
});
