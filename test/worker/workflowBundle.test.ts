import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { workflowsPath } from '../../worker/workers.js';
import { bundleSourcesApart, chooseWorkflowSource } from '../../worker/workflowBundle.js';

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

test('a laptop start bundles the current sources in a child process and loads the file it wrote', async () => {
  const out = path.join(dir, 'data', 'workflow-bundle.js');
  const { source, description, fallbackReason } = await bundleSourcesApart(out);
  expect({ source, fallbackReason }).toEqual({
    source: { workflowBundle: { codePath: out } },
    fallbackReason: undefined,
  });
  expect(description).toBe(`bundled from the sources at start into ${out}`);
  // The bundle holds the workflows the worker registers.
  const code = readFileSync(out, 'utf8');
  for (const workflow of ['pollAllDevices', 'processAttendance', 'syncToCrm'])
    expect(code).toContain(workflow);
}, 180_000);

test('when the child cannot write the bundle, the sources are bundled in the process, saying why', async () => {
  const blocker = path.join(dir, 'a-file');
  writeFileSync(blocker, '');
  const result = await bundleSourcesApart(path.join(blocker, 'workflow-bundle.js'));
  expect(result.source).toEqual({ workflowsPath });
  expect(result.fallbackReason).toMatch(/\S/);
}, 180_000);
