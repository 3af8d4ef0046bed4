import { Counter, Gauge, Registry } from 'prom-client';

/**
 * Our metric families as plain values (what `metricFamilies` computes from a snapshot), and the
 * prom-client registry that writes them in the Prometheus text format.
 */

/** What the API answers /metrics with. */
export const PROMETHEUS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

export type MetricType = 'counter' | 'gauge';

export interface Sample {
  labels?: Readonly<Record<string, string>>;
  value: number;
}

export interface MetricFamily {
  name: string;
  help: string;
  type: MetricType;
  /** Every label its samples carry; a family may have none yet (no enabled device). */
  labelNames: readonly string[];
  samples: readonly Sample[];
}

/**
 * A registry of these families, built afresh for one scrape from one snapshot, so a page never mixes
 * two readings and a counter is never seen half reset. prom-client refuses an invalid or repeated
 * name; names starting with two underscores are reserved for Prometheus itself and refused here.
 */
export function familiesRegistry(families: readonly MetricFamily[]): Registry {
  const registry = new Registry();
  for (const family of families) {
    const reserved = family.labelNames.find((label) => label.startsWith('__'));
    if (reserved)
      throw new Error(`metric ${family.name} has a reserved label name ${JSON.stringify(reserved)}`);
    const options = {
      name: family.name,
      help: family.help,
      labelNames: [...family.labelNames],
      registers: [registry],
    };
    if (family.type === 'counter') {
      const counter = new Counter(options);
      for (const sample of family.samples) counter.inc({ ...sample.labels }, sample.value);
    } else {
      const gauge = new Gauge(options);
      for (const sample of family.samples) gauge.set({ ...sample.labels }, sample.value);
    }
  }
  return registry;
}

/** The text of these families, each with its HELP and TYPE lines, ending with a line break. */
export async function renderExposition(families: readonly MetricFamily[]): Promise<string> {
  return familiesRegistry(families).metrics();
}
