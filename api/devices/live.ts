import type { RouteHandler } from '@hono/zod-openapi';
import type { DeviceInfoResult } from '../../lib/api/deviceInfo.js';
import { findDevice, listDevices } from '../../lib/db/devices.js';
import type { DevicePollResult, PollAllResult } from '../../lib/devices/types.js';
import type { ReadDeviceInfoInput } from '../../workflows/deviceInfo.js';
import type { PollAllInput, PollDeviceInput } from '../../workflows/pollDevices.js';
import { NOT_FOUND, stillRunning } from '../common/responses.js';
import { startOrAttach, waitMs } from '../common/workflows.js';
import type { AppDeps } from '../deps.js';
import type { deviceInfoRoute, pollAllRoute, pollDeviceRoute } from './routes.js';
import { pollResultBody } from './serialize.js';

/** Two short attempts and the queueing before them fit in this; after it the device counts as unreachable. */
const INFO_WAIT_MS = 35_000;
const UNREACHABLE = 'Failed to connect to device' as const;

/** What the API does with live devices: it never opens a session itself, a device worker does. */
export function liveDeviceHandlers(deps: AppDeps) {
  const prefix = deps.workflowIdPrefix ?? '';
  const deviceQueue = (taskQueue: string | null) => taskQueue ?? deps.config.DEVICE_TASK_QUEUE;

  const info: RouteHandler<typeof deviceInfoRoute> = async (c) => {
    const device = await findDevice(deps.sql, c.req.valid('param').id);
    if (!device) return c.json(NOT_FOUND, 404);
    const input: ReadDeviceInfoInput = { deviceId: device.id, taskQueue: deviceQueue(device.taskQueue) };
    const outcome = await startOrAttach<ReadDeviceInfoInput, DeviceInfoResult>(deps.temporal, {
      workflowType: 'readDeviceInfo',
      // One id per device: two people asking at once share one session (terminals serve one).
      workflowId: `${prefix}device-info/device-${device.id}`,
      taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
      input,
      waitMs: INFO_WAIT_MS,
    });
    if (outcome.state === 'completed' && outcome.result.connected) {
      const live = outcome.result.info;
      return c.json(
        {
          device_name: live.deviceName,
          ip_address: live.host,
          port: live.port,
          firmware_version: live.firmwareVersion,
          serial_number: live.serialNumber,
          platform: live.platform,
          user_count: live.userCount,
          attendance_count: live.attendanceCount,
          connected: true,
          device: live.deviceId,
          record_capacity: live.recordCapacity,
        },
        200,
      );
    }
    const reason =
      outcome.state === 'running'
        ? `no answer from ${device.host}:${device.port} within ${INFO_WAIT_MS / 1000} s (is a device worker running for queue ${input.taskQueue}?)`
        : outcome.state === 'failed'
          ? outcome.error
          : outcome.result.connected
            ? ''
            : outcome.result.error;
    return c.json({ error: UNREACHABLE, reason }, 503);
  };

  const poll: RouteHandler<typeof pollDeviceRoute> = async (c) => {
    const device = await findDevice(deps.sql, c.req.valid('param').id);
    if (!device) return c.json(NOT_FOUND, 404);
    const input: PollDeviceInput = {
      deviceId: device.id,
      taskQueue: deviceQueue(device.taskQueue),
      maxAttempts: deps.config.DEVICE_POLL_MAX_ATTEMPTS,
    };
    const outcome = await startOrAttach<PollDeviceInput, DevicePollResult>(deps.temporal, {
      workflowType: 'pollDevice',
      // The id the scheduled poll gives its child for this device: a device is never read twice at once.
      workflowId: `${prefix}poll/device-${device.id}`,
      taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
      input,
      waitMs: waitMs(c.req.valid('query')),
    });
    if (outcome.state === 'running') {
      return c.json(stillRunning(outcome), 202);
    }
    if (outcome.state === 'failed')
      return c.json({ error: `poll of device ${device.id} failed: ${outcome.error}` }, 502);
    return c.json(pollResultBody(outcome.result, device.name), 200);
  };

  const pollAll: RouteHandler<typeof pollAllRoute> = async (c) => {
    const input: PollAllInput = {
      defaultTaskQueue: deps.config.DEVICE_TASK_QUEUE,
      maxAttempts: deps.config.DEVICE_POLL_MAX_ATTEMPTS,
    };
    const outcome = await startOrAttach<PollAllInput, PollAllResult>(deps.temporal, {
      workflowType: 'pollAllDevices',
      workflowId: `${prefix}poll-all-devices/manual`,
      taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
      input,
      waitMs: waitMs(c.req.valid('query')),
    });
    if (outcome.state === 'running') {
      return c.json(stillRunning(outcome), 202);
    }
    if (outcome.state === 'failed')
      return c.json({ error: `polling all devices failed: ${outcome.error}` }, 502);
    const names = new Map((await listDevices(deps.sql)).map((d) => [d.id, d.name]));
    const result = outcome.result;
    return c.json(
      {
        total_devices: result.totalDevices,
        successful: result.successful,
        failed: result.failed,
        devices: result.devices.map((d) =>
          pollResultBody(d, names.get(d.deviceId) ?? `device ${d.deviceId}`),
        ),
      },
      200,
    );
  };

  return { info, poll, pollAll };
}
