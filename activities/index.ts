import { createCleanupActivities } from './cleanup.js';
import { createDeliveryActivities, createDeliveryBookkeepingActivities } from './delivery.js';
import type { ActivityDeps } from './deps.js';
import { createDeviceInfoActivities } from './deviceInfo.js';
import { createDeviceActivities, createPollBookkeepingActivities } from './devices.js';
import { createDeviceUsersActivities } from './deviceUsers.js';
import { createProcessingActivities } from './processing.js';

export type { ActivityDeps } from './deps.js';
export { FailureTypeInterceptor } from './failures.js';

/**
 * One factory per task queue; each worker registers exactly its queue's activities, and workflows
 * proxy `ReturnType<typeof create...QueueActivities>` of the queue they schedule on.
 */

/** The main queue (beside the workflows): the bookkeeping between device reads and CRM calls, SQL only. */
export function createMainQueueActivities(deps: ActivityDeps) {
  return {
    ...createPollBookkeepingActivities(deps),
    ...createProcessingActivities(deps),
    ...createDeliveryBookkeepingActivities(deps),
    ...createCleanupActivities(deps),
    // Run here as local activities (CRM_DELIVERY_ON=workflow-worker).
    ...deliveryActivitiesOf(deps),
  };
}

/** The device queue: sessions with the terminals, few at once (each device allows one session). */
export function createDeviceQueueActivities(deps: ActivityDeps) {
  return {
    ...createDeviceActivities(deps),
    ...createDeviceInfoActivities(deps),
    ...createDeviceUsersActivities(deps),
  };
}

/** The CRM queue: one POST each (CRM_DELIVERY_ON=crm-queue). */
export function createCrmQueueActivities(deps: ActivityDeps) {
  return deliveryActivitiesOf(deps);
}

// One set per process, so the main and CRM workers share one gate to the CRM (its slots and pauses).
const deliveryActivities = new WeakMap<ActivityDeps, ReturnType<typeof createDeliveryActivities>>();

function deliveryActivitiesOf(deps: ActivityDeps): ReturnType<typeof createDeliveryActivities> {
  let activities = deliveryActivities.get(deps);
  if (!activities) {
    activities = createDeliveryActivities(deps);
    deliveryActivities.set(deps, activities);
  }
  return activities;
}

export type MainQueueActivities = ReturnType<typeof createMainQueueActivities>;
export type DeviceQueueActivities = ReturnType<typeof createDeviceQueueActivities>;
export type CrmQueueActivities = ReturnType<typeof createCrmQueueActivities>;
