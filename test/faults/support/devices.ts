import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';

/** A TCP endpoint on 127.0.0.1 that misbehaves as a terminal: `silent` never answers, `garbage` answers noise. */
export async function startBrokenDevice(
  kind: 'silent' | 'garbage',
): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    if (kind === 'garbage') socket.on('data', (chunk) => socket.write(randomBytes(8 + chunk.length * 2)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
