import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The layers, read from the import statements of the source files (nothing is loaded):
 * - lib/ is the core: it never imports the entry points (api/, cli/, worker/, runtime/) nor the
 *   Temporal adapters (activities/, workflows/) that are built on it.
 * - workflows/ run in the workflow sandbox and replay: what they load at run time is other
 *   workflows, the Temporal workflow and common packages, and lib/ modules that load nothing but
 *   other such lib/ modules (no Node built-in, no npm package: no clock, no I/O, no randomness).
 *   Type-only imports are erased and do not count.
 */

const root = fileURLToPath(new URL('..', import.meta.url));

interface Import {
  specifier: string;
  typeOnly: boolean;
}

const IMPORT =
  /(?:^|\n)\s*(import|export)\s+(type\s+)?([^'";]*?)\s*from\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Every import and re-export of a module's text, each marked type-only when the compiler erases it. */
function importsOf(text: string): Import[] {
  const found: Import[] = [];
  for (const match of text.matchAll(IMPORT)) {
    const specifier = match[4] ?? match[5] ?? match[6];
    const clause = match[3] ?? '';
    const names = /^\{([^}]*)\}$/.exec(clause.trim());
    const allTypes =
      names !== null &&
      names[1].trim() !== '' &&
      names[1]
        .split(',')
        .map((name) => name.trim())
        .filter((name) => name !== '')
        .every((name) => name.startsWith('type '));
    found.push({ specifier, typeOnly: match[4] !== undefined && (match[2] !== undefined || allTypes) });
  }
  return found;
}

function sourceFiles(folder: string): string[] {
  return readdirSync(path.join(root, folder), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts'))
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)));
}

/** The repository-relative .ts file a relative specifier names, or null for a package. */
function resolve(from: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  return path.normalize(path.join(path.dirname(from), specifier)).replace(/\.js$/, '.ts');
}

const topFolder = (file: string) => file.split(path.sep)[0];

const cache = new Map<string, Import[]>();
function importsOfFile(file: string): Import[] {
  let imports = cache.get(file);
  if (!imports) {
    imports = importsOf(readFileSync(path.join(root, file), 'utf8'));
    cache.set(file, imports);
  }
  return imports;
}

const UPPER_LAYERS = ['api', 'cli', 'worker', 'runtime', 'activities', 'workflows'];
const WORKFLOW_PACKAGES = ['@temporalio/workflow', '@temporalio/common'];

function upwardImports(): string[] {
  const problems: string[] = [];
  for (const file of sourceFiles('lib')) {
    for (const { specifier } of importsOfFile(file)) {
      const target = resolve(file, specifier);
      if (target && UPPER_LAYERS.includes(topFolder(target))) problems.push(`${file} imports ${target}`);
    }
  }
  return problems;
}

/** Why a lib/ module may not load inside a workflow, or null when it and all it loads are pure. */
function impurity(file: string, seen = new Set<string>()): string | null {
  if (seen.has(file)) return null;
  seen.add(file);
  for (const { specifier, typeOnly } of importsOfFile(file)) {
    if (typeOnly) continue;
    const target = resolve(file, specifier);
    if (target === null) return `${file} loads ${specifier}`;
    if (topFolder(target) !== 'lib') return `${file} loads ${target}`;
    const deeper = impurity(target, seen);
    if (deeper) return deeper;
  }
  return null;
}

function impureWorkflowImports(): string[] {
  const problems: string[] = [];
  for (const file of sourceFiles('workflows')) {
    for (const { specifier, typeOnly } of importsOfFile(file)) {
      if (typeOnly) continue;
      const target = resolve(file, specifier);
      if (target === null) {
        if (!WORKFLOW_PACKAGES.includes(specifier)) problems.push(`${file} loads ${specifier}`);
        continue;
      }
      const folder = topFolder(target);
      if (folder === 'workflows') continue;
      if (folder !== 'lib') {
        problems.push(`${file} loads ${target}`);
        continue;
      }
      const why = impurity(target);
      if (why) problems.push(`${file} loads ${target}, which is not pure: ${why}`);
    }
  }
  return problems;
}

describe('reading imports', () => {
  test.each([
    ["import { a, b } from './x.js';", [{ specifier: './x.js', typeOnly: false }]],
    ["import type { A } from '../y.js';", [{ specifier: '../y.js', typeOnly: true }]],
    ["import { type A, type B } from './z.js';", [{ specifier: './z.js', typeOnly: true }]],
    ["import { type A, b } from './z.js';", [{ specifier: './z.js', typeOnly: false }]],
    ["import {\n  a,\n  type B,\n} from '../api/app.js';", [{ specifier: '../api/app.js', typeOnly: false }]],
    ["export { a } from './x.js';", [{ specifier: './x.js', typeOnly: false }]],
    ["export * from './x.js';", [{ specifier: './x.js', typeOnly: false }]],
    ["import './side-effect.js';", [{ specifier: './side-effect.js', typeOnly: false }]],
    ["const m = await import('../cli/main.js');", [{ specifier: '../cli/main.js', typeOnly: false }]],
    ['import fc from "fast-check";', [{ specifier: 'fast-check', typeOnly: false }]],
  ])('%j', (text, expected) => {
    expect(importsOf(text)).toEqual(expected);
  });
});

describe('layers', () => {
  test('the scan sees the tree: lib/ and workflows/ have files that import', () => {
    expect(sourceFiles('lib').filter((file) => importsOfFile(file).length > 0).length).toBeGreaterThan(50);
    expect(sourceFiles('workflows').filter((file) => importsOfFile(file).length > 0).length).toBeGreaterThan(
      3,
    );
  });

  test('nothing in lib/ imports api/, cli/, worker/, runtime/, activities/ or workflows/', () => {
    expect(upwardImports()).toEqual([]);
  });

  test('workflows load only workflows, the Temporal workflow packages and pure lib/ modules', () => {
    expect(impureWorkflowImports()).toEqual([]);
  });
});
