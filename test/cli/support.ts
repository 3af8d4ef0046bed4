import { randomBytes } from 'node:crypto';
import { format } from 'node:util';
import { Connection } from '@temporalio/client';
import type { Config } from '../../lib/config.js';
import { bridgeSearchAttributeTypes } from '../../runtime/searchAttributes.js';
import { testTemporalAddress } from '../support/temporal.js';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved, as a person would see them. */
  output: string;
}

type Run = (argv: string[]) => Promise<number>;

/**
 * Runs a command in this process with `env` set on top of the current environment (the command reads
 * its settings from there), capturing what it prints; both are restored afterwards.
 */
export async function runCommand(
  run: Run,
  argv: string[],
  env: Record<string, string | undefined> = {},
): Promise<CommandResult> {
  const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  const original = { log: console.log, error: console.error, warn: console.warn };
  let stdout = '';
  let stderr = '';
  let output = '';
  const sink =
    (stream: 'out' | 'err') =>
    (...args: unknown[]) => {
      const line = `${format(...args)}\n`;
      if (stream === 'out') stdout += line;
      else stderr += line;
      output += line;
    };
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  console.log = sink('out');
  console.error = sink('err');
  console.warn = sink('err');
  try {
    const code = await run(argv);
    return { code, stdout, stderr, output };
  } finally {
    Object.assign(console, original);
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

/** The settings a command needs to reach this test's database, Temporal namespace and task queues. */
export function commandEnv(config: Config, databaseUrl?: string): Record<string, string | undefined> {
  return {
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: testTemporalAddress(),
    // Commands that serve the API would also open the push receiver on its fixed default port.
    ADMS_PORT: '0',
    TEMPORAL_NAMESPACE: config.TEMPORAL_NAMESPACE,
    TEMPORAL_TASK_QUEUE: config.TEMPORAL_TASK_QUEUE,
    DEVICE_TASK_QUEUE: config.DEVICE_TASK_QUEUE,
    CRM_TASK_QUEUE: config.CRM_TASK_QUEUE,
    DEVICE_POLL_MAX_ATTEMPTS: String(config.DEVICE_POLL_MAX_ATTEMPTS),
    DEVICE_CONNECT_TIMEOUT_MS: String(config.DEVICE_CONNECT_TIMEOUT_MS),
    DEVICE_REQUEST_TIMEOUT_MS: String(config.DEVICE_REQUEST_TIMEOUT_MS),
    TIME_ZONE: config.TIME_ZONE,
    CRM_API_URL: config.CRM_API_URL ?? '',
    CRM_API_TOKEN: config.CRM_API_TOKEN ?? '',
    LOG_LEVEL: 'silent',
  };
}

/**
 * A Temporal namespace of this test file's own. The commands use fixed workflow and schedule ids
 * (`poll-all-devices/manual`, `bridge-poll-devices`); in a namespace of its own a test file cannot
 * join another file's run or touch its schedules on the shared test server.
 */
export async function createTestNamespace(): Promise<string> {
  const namespace = `cli-test-${randomBytes(4).toString('hex')}`;
  const connection = await Connection.connect({ address: testTemporalAddress() });
  try {
    type Retention = NonNullable<
      Parameters<typeof connection.workflowService.registerNamespace>[0]['workflowExecutionRetentionPeriod']
    >;
    // protobufjs takes a plain number for an int64 field; the generated type only names Long.
    const oneDay = { seconds: 86_400 } as unknown as Retention;
    await connection.workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: oneDay,
    });
    // What `temporal server start-dev --search-attribute` gives the default namespace.
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: bridgeSearchAttributeTypes(),
    });
  } finally {
    await connection.close();
  }
  return namespace;
}
