import { createCleanupActivities } from './cleanup.js';
import { createDeliveryActivities } from './delivery.js';
import type { ActivityDeps } from './deps.js';
import { createDeviceInfoActivities } from './deviceInfo.js';
import { createDeviceActivities } from './devices.js';
import { createProcessingActivities } from './processing.js';

export type { ActivityDeps } from './deps.js';

/**
 * Every activity of the bridge, bound to its dependencies. Workflows proxy
 * `ReturnType<typeof createActivities>`; each worker registers the ones of its task queue.
 */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createDeviceActivities(deps),
    ...createProcessingActivities(deps),
    ...createDeliveryActivities(deps),
    ...createCleanupActivities(deps),
    ...createDeviceInfoActivities(deps),
  };
}
