import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { workflowsPath } from '../../worker/workers.js';
import { chooseWorkflowSource } from '../../worker/workflowBundle.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'bridge-bundle-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('a bundle that exists is loaded, and the start log says which file', () => {
  const bundle = path.join(dir, 'workflow-bundle.js');
  writeFileSync(bundle, '// bundle');
  expect(chooseWorkflowSource(bundle)).toEqual({
    source: { workflowBundle: { codePath: bundle } },
    description: `pre-built bundle ${bundle}`,
  });
});

test('without a bundle the sources are bundled at start, and the log says how to build one', () => {
  const missing = path.join(dir, 'missing.js');
  const { source, description } = chooseWorkflowSource(missing);
  expect(source).toEqual({ workflowsPath });
  expect(description).toContain(`no bundle at ${missing}`);
  expect(description).toContain('npm run bundle');
});

test('a laptop start asks for the sources whatever lies in dist/', () => {
  expect(chooseWorkflowSource(null).source).toEqual({ workflowsPath });
});
