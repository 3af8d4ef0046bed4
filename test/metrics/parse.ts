/**
 * A small, strict reader of the Prometheus text format, enough to check what /metrics writes: every
 * line must be a HELP, a TYPE, a sample of the family announced before it (a histogram's or summary's
 * `_bucket`, `_sum` and `_count` included) or empty, and escapes must be valid.
 */

export interface ParsedSample {
  labels: Record<string, string>;
  value: number;
  /** `_bucket`, `_sum` or `_count` for those samples of a histogram or summary. */
  suffix?: string;
}

export interface ParsedFamily {
  name: string;
  help: string;
  type: string;
  samples: ParsedSample[];
}

function unescapeText(text: string, allowQuote: boolean, line: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = text[++i];
    if (next === '\\') out += '\\';
    else if (next === 'n') out += '\n';
    else if (next === '"' && allowQuote) out += '"';
    else throw new Error(`bad escape \\${next} in: ${line}`);
  }
  return out;
}

function parseLabels(text: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let i = 0;
  while (i < text.length) {
    const eq = text.indexOf('=', i);
    if (eq < 0 || text[eq + 1] !== '"') throw new Error(`bad label set in: ${line}`);
    const name = text.slice(i, eq);
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name)) throw new Error(`bad label name ${name} in: ${line}`);
    let j = eq + 2;
    let raw = '';
    while (j < text.length && text[j] !== '"') {
      if (text[j] === '\\') {
        raw += text[j] + text[j + 1];
        j += 2;
      } else {
        raw += text[j];
        j += 1;
      }
    }
    if (j >= text.length) throw new Error(`unterminated label value in: ${line}`);
    if (name in labels) throw new Error(`label ${name} given twice in: ${line}`);
    labels[name] = unescapeText(raw, true, line);
    i = j + 1;
    if (i < text.length) {
      if (text[i] !== ',') throw new Error(`expected a comma after label ${name} in: ${line}`);
      i += 1;
    }
  }
  return labels;
}

function parseValue(text: string, line: string): number {
  // Prometheus reads the special values case-insensitively; prom-client writes `Nan`.
  if (text === 'NaN' || text === 'Nan') return Number.NaN;
  if (text === '+Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  const value = Number(text);
  if (text === '' || Number.isNaN(value)) throw new Error(`bad value in: ${line}`);
  return value;
}

function belongsTo(sampleName: string, family: ParsedFamily): boolean {
  if (sampleName === family.name) return family.type !== 'histogram';
  if (family.type !== 'histogram' && family.type !== 'summary') return false;
  return ['_bucket', '_sum', '_count']
    .filter((suffix) => suffix !== '_bucket' || family.type === 'histogram')
    .some((suffix) => sampleName === family.name + suffix);
}

export function parseExposition(text: string): Map<string, ParsedFamily> {
  if (!text.endsWith('\n')) throw new Error('the exposition must end with a line break');
  const families = new Map<string, ParsedFamily>();
  let current: ParsedFamily | null = null;
  // Only \n ends a line; the patterns read with the s flag so that a raw \r or U+2028 in a value
  // is part of it, as Prometheus reads it.
  for (const line of text.slice(0, -1).split('\n')) {
    if (line === '') continue;
    const help = /^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/s.exec(line);
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (help) {
      if (families.has(help[1])) throw new Error(`family ${help[1]} appears twice`);
      current = { name: help[1], help: unescapeText(help[2], false, line), type: '', samples: [] };
      families.set(current.name, current);
      continue;
    }
    if (type) {
      if (!current || current.name !== type[1] || current.type !== '') throw new Error(`stray TYPE: ${line}`);
      current.type = type[2];
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/s.exec(line);
    if (!sample) throw new Error(`unreadable line: ${JSON.stringify(line)}`);
    if (!current || current.type === '' || !belongsTo(sample[1], current)) {
      throw new Error(`sample outside its family: ${line}`);
    }
    const parsed: ParsedSample = {
      labels: parseLabels(sample[2] ?? '', line),
      value: parseValue(sample[3], line),
    };
    if (sample[1] !== current.name) parsed.suffix = sample[1].slice(current.name.length);
    current.samples.push(parsed);
  }
  return families;
}

/** The value of the one sample of `name` whose labels include `labels`. */
export function sampleValue(
  families: Map<string, ParsedFamily>,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const matching = (families.get(name)?.samples ?? []).filter((s) =>
    Object.entries(labels).every(([key, value]) => s.labels[key] === value),
  );
  if (matching.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} matches several samples`);
  return matching[0]?.value;
}
