import type { DeviceInfo, DeviceInfoResult } from '../../lib/api/deviceInfo.js';
import type { DeviceRow } from '../../lib/db/devices.js';
import type { ReadDeviceInfoInput } from '../../workflows/deviceInfo.js';
import type { SyncDeviceUsersInput, SyncDeviceUsersResult } from '../../workflows/deviceUsers.js';
import { startOrAttach } from '../common/workflows.js';
import type { AppDeps } from '../deps.js';

/**
 * The live actions on one device, shared by the API and the console. The API process never opens a
 * device session itself: a worker on the device's queue does, in a workflow with one id per device,
 * so two people asking at once share one session (terminals serve one).
 */

/** Two short attempts and the queueing before them fit in this; after it the device counts as unreachable. */
export const INFO_WAIT_MS = 35_000;
/** A user list is a longer read than the identity. */
const USERS_WAIT_MS = 60_000;

export type LiveAnswer<T> = { ok: true; value: T } | { ok: false; reason: string };

const deviceQueue = (deps: AppDeps, device: DeviceRow) => device.taskQueue ?? deps.config.DEVICE_TASK_QUEUE;

function noAnswer(deps: AppDeps, device: DeviceRow, waitMs: number): string {
  return `no answer from ${device.host}:${device.port} within ${waitMs / 1000} s (is a device worker running for queue ${deviceQueue(deps, device)}?)`;
}

/** Identity, counts and capacity, read from the device now. */
export async function readDeviceInfoLive(deps: AppDeps, device: DeviceRow): Promise<LiveAnswer<DeviceInfo>> {
  const input: ReadDeviceInfoInput = { deviceId: device.id, taskQueue: deviceQueue(deps, device) };
  const outcome = await startOrAttach<ReadDeviceInfoInput, DeviceInfoResult>(deps.temporal, {
    workflowType: 'readDeviceInfo',
    workflowId: `${deps.workflowIdPrefix ?? ''}device-info/device-${device.id}`,
    taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
    input,
    waitMs: INFO_WAIT_MS,
  });
  if (outcome.state === 'running') return { ok: false, reason: noAnswer(deps, device, INFO_WAIT_MS) };
  if (outcome.state === 'failed') return { ok: false, reason: outcome.error };
  return outcome.result.connected
    ? { ok: true, value: outcome.result.info }
    : { ok: false, reason: outcome.result.error };
}

/** Reads the enrolled users from the device now and stores them; the number of users. */
export async function syncDeviceUsersLive(deps: AppDeps, device: DeviceRow): Promise<LiveAnswer<number>> {
  const input: SyncDeviceUsersInput = { deviceId: device.id, taskQueue: deviceQueue(deps, device) };
  const outcome = await startOrAttach<SyncDeviceUsersInput, SyncDeviceUsersResult>(deps.temporal, {
    workflowType: 'syncDeviceUsers',
    workflowId: `${deps.workflowIdPrefix ?? ''}device-users/device-${device.id}`,
    taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
    input,
    waitMs: USERS_WAIT_MS,
  });
  if (outcome.state === 'running') return { ok: false, reason: noAnswer(deps, device, USERS_WAIT_MS) };
  if (outcome.state === 'failed') return { ok: false, reason: outcome.error };
  return outcome.result.connected
    ? { ok: true, value: outcome.result.users }
    : { ok: false, reason: outcome.result.error };
}
