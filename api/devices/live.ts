import type { DeviceRow } from '../../lib/db/devices.js';
import type { DeviceInfo } from '../../lib/devices/info.js';
import { deviceInfoStart, deviceUsersStart } from '../../workflows/starts.js';
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

function noAnswer(start: { args: [{ taskQueue: string }] }, device: DeviceRow, waitMs: number): string {
  return `no answer from ${device.host}:${device.port} within ${waitMs / 1000} s (is a device worker running for queue ${start.args[0].taskQueue}?)`;
}

/** Identity, counts, capacity and clock, read from the device now. */
export async function readDeviceInfoLive(deps: AppDeps, device: DeviceRow): Promise<LiveAnswer<DeviceInfo>> {
  const start = deviceInfoStart(deps.config, device);
  const waitMs = INFO_WAIT_MS;
  const outcome = await startOrAttach(deps.temporal, start, { waitMs, idPrefix: deps.workflowIdPrefix });
  if (outcome.state === 'running') return { ok: false, reason: noAnswer(start, device, waitMs) };
  if (outcome.state === 'failed') return { ok: false, reason: outcome.error };
  return outcome.result.connected
    ? { ok: true, value: outcome.result.info }
    : { ok: false, reason: outcome.result.error };
}

/** Reads the enrolled users from the device now and stores them; the number of users. */
export async function syncDeviceUsersLive(deps: AppDeps, device: DeviceRow): Promise<LiveAnswer<number>> {
  const start = deviceUsersStart(deps.config, device);
  const waitMs = USERS_WAIT_MS;
  const outcome = await startOrAttach(deps.temporal, start, { waitMs, idPrefix: deps.workflowIdPrefix });
  if (outcome.state === 'running') return { ok: false, reason: noAnswer(start, device, waitMs) };
  if (outcome.state === 'failed') return { ok: false, reason: outcome.error };
  return outcome.result.connected
    ? { ok: true, value: outcome.result.users }
    : { ok: false, reason: outcome.result.error };
}
