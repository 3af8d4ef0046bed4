export { collectMetrics, metricFamilies } from './collect.js';
export {
  escapeHelp,
  escapeLabelValue,
  formatValue,
  type MetricFamily,
  type MetricType,
  PROMETHEUS_CONTENT_TYPE,
  renderExposition,
  type Sample,
} from './exposition.js';
export { type DeviceHealth, type MetricsSnapshot, readMetricsSnapshot } from './snapshot.js';
