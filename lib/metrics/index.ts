export { bridgeMetrics, collectMetrics, metricFamilies } from './collect.js';
export {
  familiesRegistry,
  type MetricFamily,
  type MetricType,
  PROMETHEUS_CONTENT_TYPE,
  renderExposition,
  type Sample,
} from './exposition.js';
export { renderMetricsPage } from './page.js';
export { processMetrics } from './process.js';
export {
  type DeviceHealth,
  type MetricsSnapshot,
  type PushDeviceActivity,
  readMetricsSnapshot,
} from './snapshot.js';
