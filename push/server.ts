import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { PushApp } from './app.js';

export interface PushServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Serves the receiver; rejects with the listen error (a taken port) instead of crashing. */
export async function servePush(app: PushApp, options: { host: string; port: number }): Promise<PushServer> {
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: options.port, hostname: options.host }, () => resolve(s));
    s.once('error', reject);
  });
  // Devices keep connections open between requests; close them on stop instead of waiting.
  const { port } = server.address() as AddressInfo;
  const shownHost = options.host === '0.0.0.0' ? '127.0.0.1' : options.host;
  return {
    url: `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}
