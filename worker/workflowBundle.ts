import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import { type WorkflowSource, workflowsPath } from './workers.js';

/** Where `npm run bundle` writes the workflow code and `bridge worker` looks for it (WORKFLOW_BUNDLE). */
export const defaultWorkflowBundlePath = fileURLToPath(
  new URL('../dist/workflow-bundle.js', import.meta.url),
);

const quiet = { log() {}, info() {}, warn() {}, error() {}, debug() {}, trace() {} };

/** Bundles the workflows for the Temporal sandbox once and writes the bundle; returns its size. */
export async function writeWorkflowBundle(outPath: string): Promise<{ bytes: number }> {
  const { code } = await bundleWorkflowCode({ workflowsPath, logger: quiet });
  await mkdir(path.dirname(outPath), { recursive: true });
  await writeFile(outPath, code);
  return { bytes: Buffer.byteLength(code) };
}

/**
 * The pre-built bundle when there is one (production: the image builds it), otherwise the sources,
 * bundled at start (a few seconds), so a laptop needs no build step; null asks for the sources.
 * Says which, for the start log.
 */
export function chooseWorkflowSource(bundlePath: string | null): {
  source: WorkflowSource;
  description: string;
} {
  if (bundlePath === null)
    return { source: { workflowsPath }, description: 'bundled from the sources at start' };
  const resolved = path.resolve(bundlePath);
  if (existsSync(resolved)) {
    return {
      source: { workflowBundle: { codePath: resolved } },
      description: `pre-built bundle ${resolved}`,
    };
  }
  return {
    source: { workflowsPath },
    description: `bundled from the sources at start (no bundle at ${resolved}; npm run bundle builds one)`,
  };
}
