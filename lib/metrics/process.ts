import { collectDefaultMetrics, Registry } from 'prom-client';

let registry: Registry | null = null;

/**
 * This process's own figures, prom-client's defaults: CPU, memory, heap, event-loop lag, GC, open
 * handles. Collected once per process (the event-loop and GC observers start with it).
 */
export function processMetrics(): Registry {
  if (!registry) {
    registry = new Registry();
    collectDefaultMetrics({ register: registry });
  }
  return registry;
}
