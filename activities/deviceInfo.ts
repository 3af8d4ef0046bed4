import { type DeviceInfo, readDeviceInfoOnce } from '../lib/devices/info.js';
import type { ActivityDeps } from './deps.js';

export function createDeviceInfoActivities(deps: ActivityDeps) {
  return {
    async readDeviceInfo(input: { deviceId: number }): Promise<DeviceInfo> {
      return readDeviceInfoOnce(deps, input.deviceId);
    },
  };
}
