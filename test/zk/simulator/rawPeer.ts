import { createConnection, type Socket } from 'node:net';
import {
  Cmd,
  type DecodedPacket,
  decodePayload,
  encodeFrame,
  FrameReader,
} from '../../../lib/zk/codec/index.js';

/** A bare protocol peer: sends exactly the frames a test asks for and keeps every packet it gets. */
export class RawPeer {
  readonly packets: DecodedPacket[] = [];
  readonly closed: Promise<void>;
  private readonly reader = new FrameReader();
  private wake: (() => void) | undefined;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      for (const payload of this.reader.push(chunk)) this.packets.push(decodePayload(payload));
      this.wake?.();
    });
    this.closed = new Promise((resolve) => socket.on('close', () => resolve()));
    socket.on('close', () => this.wake?.());
    socket.on('error', () => {});
  }

  static connect(sim: { host: string; port: number }): Promise<RawPeer> {
    return new Promise((resolve, reject) => {
      const socket = createConnection({ host: sim.host, port: sim.port }, () => resolve(new RawPeer(socket)));
      socket.once('error', reject);
    });
  }

  send(
    command: number,
    data: Buffer = Buffer.alloc(0),
    header: { session?: number; reply?: number } = {},
  ): void {
    this.socket.write(encodeFrame({ command, session: header.session ?? 0, reply: header.reply ?? 1, data }));
  }

  /** Waits (with a hang guard) until `count` packets arrived, and takes them. */
  async take(count: number): Promise<DecodedPacket[]> {
    const deadline = Date.now() + 5000;
    while (this.packets.length < count && !this.socket.destroyed && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, 50);
      });
    }
    expect(this.packets.length).toBeGreaterThanOrEqual(count);
    return this.packets.splice(0, count);
  }

  async request(command: number, data?: Buffer, header?: { session?: number; reply?: number }) {
    this.send(command, data, header);
    return (await this.take(1))[0];
  }

  /** CONNECT and return the session id to use. */
  async open(reply = 1): Promise<number> {
    const answer = await this.request(Cmd.CONNECT, undefined, { reply });
    expect(answer.command).toBe(Cmd.ACK_OK);
    return answer.session;
  }

  close(): void {
    this.socket.destroy();
  }
}
