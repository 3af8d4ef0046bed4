import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
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

const bundleScript = fileURLToPath(new URL('./bundle.ts', import.meta.url));

/**
 * The current sources bundled by a child process (`npm run bundle`'s script) into `outPath`: webpack's
 * memory (over 100 MiB that V8 keeps once grown) then goes with the child instead of staying in the
 * bridge for its whole life. If the child fails, the sources are bundled in this process after all.
 */
export async function bundleSourcesApart(
  outPath: string,
): Promise<{ source: WorkflowSource; description: string; fallbackReason?: string }> {
  try {
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    await promisify(execFile)(process.execPath, ['--import', tsx, bundleScript], {
      env: { ...process.env, WORKFLOW_BUNDLE: outPath },
      timeout: 180_000,
    });
    return {
      source: { workflowBundle: { codePath: outPath } },
      description: `bundled from the sources at start into ${outPath}`,
    };
  } catch (error) {
    const stderr = (error as { stderr?: unknown }).stderr;
    const reason = (typeof stderr === 'string' && stderr.trim()) || (error as Error).message;
    return { ...chooseWorkflowSource(null), fallbackReason: reason.split('\n')[0] ?? reason };
  }
}
