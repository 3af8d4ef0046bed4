import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowsPath } from '../../worker/workers.js';

// A workflow that imports a Node built-in or an I/O library fails here, not in a worker at start.
test('the workflows bundle for the Temporal sandbox', async () => {
  const { code } = await bundleWorkflowCode({
    workflowsPath,
    logger: { log() {}, info() {}, warn() {}, error() {}, debug() {}, trace() {} },
  });
  expect(code.length).toBeGreaterThan(1000);
  expect(code).toContain('pollAllDevices');
}, 120_000);
