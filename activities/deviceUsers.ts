import { heartbeat } from '@temporalio/activity';
import { syncDeviceUsersOnce } from '../lib/devices/users.js';
import type { ActivityDeps } from './deps.js';

export function createDeviceUsersActivities(deps: ActivityDeps) {
  return {
    async syncDeviceUsers(input: { deviceId: number }): Promise<{ users: number }> {
      return { users: await syncDeviceUsersOnce({ ...deps, heartbeat }, input.deviceId) };
    },
  };
}
