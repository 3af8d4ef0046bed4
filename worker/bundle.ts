/**
 * `npm run bundle`: builds the workflow bundle that `bridge worker` loads instead of bundling the
 * workflows at every start (the Dockerfile runs it). Writes WORKFLOW_BUNDLE, or dist/workflow-bundle.js.
 */
import path from 'node:path';
import dotenv from 'dotenv';
import { parseConfig } from '../lib/config.js';
import { ConfigurationError, describeError } from '../lib/errors.js';
import { defaultWorkflowBundlePath, writeWorkflowBundle } from './workflowBundle.js';

dotenv.config({ quiet: true });
try {
  const config = parseConfig();
  const outPath = path.resolve(config.WORKFLOW_BUNDLE ?? defaultWorkflowBundlePath);
  const { bytes } = await writeWorkflowBundle(outPath);
  console.log(`Workflow bundle written to ${outPath} (${Math.round(bytes / 1024)} KiB).`);
} catch (error) {
  console.error(`bundle: ${describeError(error)}`);
  process.exitCode = error instanceof ConfigurationError ? 2 : 1;
}
