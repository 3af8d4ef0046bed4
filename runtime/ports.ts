import net from 'node:net';
import { ConfigurationError } from '../lib/errors.js';

/** Resolves true when nothing listens on host:port (we could bind it ourselves). */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

function portInUse(port: number, what: string, setting: string, host: string): ConfigurationError {
  return new ConfigurationError(
    `${what} cannot listen on ${host}:${port}: the port is in use. Stop what uses it or set ${setting} to a free port.`,
  );
}

export async function requirePortFree(
  port: number,
  what: string,
  setting: string,
  host = '127.0.0.1',
): Promise<void> {
  if (!(await isPortFree(port, host))) throw portInUse(port, what, setting, host);
}

/**
 * Runs a listen, saying "the port is in use" as requirePortFree does: another program may take the
 * port between that check and our own listen.
 */
export async function listening<T>(
  listen: () => Promise<T>,
  where: { port: number; what: string; setting: string; host: string },
): Promise<T> {
  try {
    return await listen();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw portInUse(where.port, where.what, where.setting, where.host);
    }
    throw error;
  }
}

/** A port the OS considers free right now (for tests and temporary servers). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ port: 0, host }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
