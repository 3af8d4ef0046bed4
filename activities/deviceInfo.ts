import { type DeviceInfo, readDeviceInfoOnce } from '../lib/api/deviceInfo.js';
import type { ActivityDeps } from './deps.js';
import { mapFailures } from './failures.js';

export function createDeviceInfoActivities(deps: ActivityDeps) {
  return {
    readDeviceInfo: mapFailures(
      async (input: { deviceId: number }): Promise<DeviceInfo> => readDeviceInfoOnce(deps, input.deviceId),
    ),
  };
}
