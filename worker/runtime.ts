import { DefaultLogger, NativeConnection, type NativeConnectionOptions, Runtime } from '@temporalio/worker';

let installed = false;

/**
 * The SDK's process-wide runtime, installed once: a connection made before it would install the
 * SDK's default one (chatty logs) and leave no way to change it.
 */
export function installWorkerRuntime(): void {
  if (installed) return;
  // Keep the SDK's own logs quiet unless something is wrong; our logs say what the bridge does.
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    telemetryOptions: { logging: { filter: { core: 'WARN', other: 'WARN' } } },
  });
  installed = true;
}

/** The connection workers poll on, made after the runtime is installed. */
export async function connectWorkerRuntime(options: NativeConnectionOptions): Promise<NativeConnection> {
  installWorkerRuntime();
  return NativeConnection.connect(options);
}
