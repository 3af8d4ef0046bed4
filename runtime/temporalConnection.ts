import { readFile } from 'node:fs/promises';
import { Client, Connection } from '@temporalio/client';
import type { NativeConnection, NativeConnectionOptions } from '@temporalio/worker';
import type { Config } from '../lib/config.js';
import { ConfigurationError, describeError, ServiceUnavailableError } from '../lib/errors.js';
import { connectWorkerRuntime, installWorkerRuntime } from '../worker/runtime.js';
import { freePort } from './ports.js';

type TlsSettings = Pick<
  Config,
  | 'TEMPORAL_TLS'
  | 'TEMPORAL_TLS_CERT_FILE'
  | 'TEMPORAL_TLS_KEY_FILE'
  | 'TEMPORAL_TLS_CA_FILE'
  | 'TEMPORAL_API_KEY'
>;

async function readSetting(file: string, setting: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    throw new ConfigurationError(
      `${setting} points at ${file}, which cannot be read: ${(error as Error).message}`,
    );
  }
}

/** TLS and API-key options shared by the client and the worker connection (a real cluster). */
export async function temporalConnectionOptions(
  address: string,
  settings: TlsSettings,
): Promise<NativeConnectionOptions & { address: string }> {
  const useTls =
    settings.TEMPORAL_TLS || Boolean(settings.TEMPORAL_TLS_CERT_FILE) || Boolean(settings.TEMPORAL_API_KEY);
  if (!useTls) return { address };
  return {
    address,
    tls: {
      serverRootCACertificate: settings.TEMPORAL_TLS_CA_FILE
        ? await readSetting(settings.TEMPORAL_TLS_CA_FILE, 'TEMPORAL_TLS_CA_FILE')
        : undefined,
      clientCertPair:
        settings.TEMPORAL_TLS_CERT_FILE && settings.TEMPORAL_TLS_KEY_FILE
          ? {
              crt: await readSetting(settings.TEMPORAL_TLS_CERT_FILE, 'TEMPORAL_TLS_CERT_FILE'),
              key: await readSetting(settings.TEMPORAL_TLS_KEY_FILE, 'TEMPORAL_TLS_KEY_FILE'),
            }
          : undefined,
    },
    apiKey: settings.TEMPORAL_API_KEY ?? undefined,
  };
}

function unreachable(address: string, config: Config, error: unknown): ServiceUnavailableError {
  return new ServiceUnavailableError(
    `Cannot reach Temporal at ${address} (namespace ${config.TEMPORAL_NAMESPACE}): ${(error as Error).message}. ` +
      'Check TEMPORAL_ADDRESS, or unset it to run a local Temporal server.',
    { cause: error },
  );
}

export async function connectClient(
  address: string,
  config: Config,
): Promise<{ client: Client; connection: Connection }> {
  const options = await temporalConnectionOptions(address, config);
  try {
    const connection = await Connection.connect({ ...options, connectTimeout: 5000 });
    return { connection, client: new Client({ connection, namespace: config.TEMPORAL_NAMESPACE }) };
  } catch (error) {
    throw unreachable(address, config, error);
  }
}

/**
 * The SDK runtime, once per process, with its metrics exporter on a free loopback port; another
 * process may take that port before the SDK binds it, so a few are tried.
 */
async function installRuntime(): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      installWorkerRuntime({ metricsPort: await freePort() });
      return;
    } catch (error) {
      if (attempt < 3) continue;
      throw new ServiceUnavailableError(
        `The Temporal SDK's metrics exporter could not listen on a loopback port: ${describeError(error)}`,
        { cause: error },
      );
    }
  }
}

/** The workers' own connection (the SDK's native one), with the same TLS and API key as the client. */
export async function connectWorkers(address: string, config: Config): Promise<NativeConnection> {
  const options = await temporalConnectionOptions(address, config);
  await installRuntime();
  try {
    return await connectWorkerRuntime(options);
  } catch (error) {
    throw unreachable(address, config, error);
  }
}
