import type { ActivityDeps } from './deps.js';

export function createDeliveryActivities(_deps: ActivityDeps) {
  return {};
}
