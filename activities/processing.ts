import type { ActivityDeps } from './deps.js';

export function createProcessingActivities(_deps: ActivityDeps) {
  return {};
}
