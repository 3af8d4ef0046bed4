import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { rulesConfigFromConfig } from '../lib/attendance/fromConfig.js';
import { defaultRulesConfig, type RulesConfig } from '../lib/attendance/index.js';
import { parseConfig, type RawSettings, settingNames } from '../lib/config.js';

// Each default is defined once (lib/config.ts, which takes the attendance rules' from
// lib/attendance/config.ts); every place that documents one must say the same.
const read = (file: string) => readFileSync(fileURLToPath(new URL(`../${file}`, import.meta.url)), 'utf8');
const defaults = parseConfig({});

/** What a documented value means: the setting parsed from it, as the bridge would read it. */
function readAs(name: keyof RawSettings, value: string): unknown {
  return parseConfig({ [name]: value })[name] ?? null;
}

/** The rows of the first markdown table after `heading`, as trimmed cells. */
function tableAfter(markdown: string, heading: string): string[][] {
  const lines = markdown.slice(markdown.indexOf(heading)).split('\n');
  const first = lines.findIndex((line) => line.startsWith('|'));
  const rows: string[][] = [];
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
  }
  return rows;
}

const backticked = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((match) => match[1]);

describe('.env.example', () => {
  const documented = new Map(
    read('.env.example')
      .split('\n')
      .map((line) => /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line))
      .filter((match) => match !== null)
      .map((match) => [match[1] as keyof RawSettings, match[2]]),
  );

  test('lists every setting, and only settings', () => {
    expect([...documented.keys()].sort()).toEqual([...settingNames].sort());
  });

  test.each(settingNames)('%s shows its default', (name) => {
    expect(readAs(name, documented.get(name) ?? '(missing)')).toEqual(defaults[name] ?? null);
  });
});

describe("the README's settings table", () => {
  // `8000`, `127.0.0.1` | unset = local dev server, `default` | `30` s | generated
  function values(cell: string, count: number): (string | undefined)[] {
    const parts = cell.split(/,\s*/).map((part) => {
      const quoted = /^`([^`]*)`/.exec(part);
      if (quoted) return quoted[1];
      return /^(unset|generated)\b/.test(part) ? '' : undefined;
    });
    return parts.length === 1 && parts[0] === '' ? Array(count).fill('') : parts;
  }

  const rows = tableAfter(read('README.md'), '## Settings').map(([names, cell]) => {
    const settings = backticked(names) as (keyof RawSettings)[];
    return { settings, documented: values(cell, settings.length) };
  });

  test.each(rows.map((row) => [row.settings.join(', '), row] as const))(
    '%s',
    (_, { settings, documented }) => {
      expect(documented).toHaveLength(settings.length);
      for (const [i, name] of settings.entries()) {
        expect(settingNames).toContain(name);
        expect([name, readAs(name, documented[i] ?? '(unreadable)')]).toEqual([name, defaults[name] ?? null]);
      }
    },
  );
});

describe('docs/ATTENDANCE.md', () => {
  const rows = tableAfter(read('docs/ATTENDANCE.md'), '## Settings');

  test('the settings come with the rules, one to one', () => {
    expect(rulesConfigFromConfig(defaults)).toEqual(defaultRulesConfig);
    expect(rows.map(([field]) => backticked(field)[0]).sort()).toEqual(
      Object.keys(defaultRulesConfig).sort(),
    );
  });

  test.each(rows.map((row) => [row[0], row] as const))('%s', (_, [field, setting, documented]) => {
    const name = backticked(setting)[0] as keyof RawSettings;
    const key = backticked(field)[0] as keyof RulesConfig;
    const value = documented === 'none' ? '' : (backticked(documented)[0] ?? documented);
    expect(readAs(name, value)).toEqual(defaultRulesConfig[key]);
    expect(defaults[name] ?? null).toEqual(defaultRulesConfig[key]);
  });
});
