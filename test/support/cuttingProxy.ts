import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of the push receiver that cuts the connection of the next `cuts` ATTLOG
 * uploads the moment the receiver starts answering: the receiver has committed, the device never
 * hears its OK. That is the lost acknowledgement a flaky site network produces.
 */
export class CuttingProxy {
  cutsLeft: number;
  cutsMade = 0;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    cuts: number,
  ) {
    this.cutsLeft = cuts;
  }

  static async start(target: { host: string; port: number }, cuts: number): Promise<CuttingProxy> {
    const server = createServer();
    const proxy = new CuttingProxy(server, cuts);
    server.on('connection', (client) => proxy.relay(client, target));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get url(): string {
    const address = this.server.address();
    return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }

  private relay(client: Socket, target: { host: string; port: number }): void {
    const upstream = createConnection(target);
    this.sockets.add(client).add(upstream);
    let cutThisAnswer = false;
    client.on('data', (chunk) => {
      const text = chunk.toString('latin1');
      if (this.cutsLeft > 0 && text.startsWith('POST /iclock/cdata?') && text.includes('table=ATTLOG')) {
        this.cutsLeft--;
        cutThisAnswer = true;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (cutThisAnswer) {
        this.cutsMade++;
        client.destroy();
        upstream.destroy();
        return;
      }
      client.write(chunk);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
