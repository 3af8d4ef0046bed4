import {
  CommKeyRefusedError,
  ConfigurationError,
  DeviceBusyError,
  DeviceProtocolError,
  DeviceTimeoutError,
  DeviceUnreachableError,
} from '../../../lib/errors.js';
import { ZkClient, type ZkClientOptions } from '../../../lib/zk/client/index.js';
import { Cmd, type DecodedPacket, encodeAttendanceRecord, encodeFrame } from '../../../lib/zk/codec/index.js';
import {
  closedPort,
  type DeviceLink,
  eventually,
  type LoopbackDevice,
  liveResources,
  type RequestHandler,
  SESSION_ID,
  settledResources,
  startLoopbackDevice,
} from './loopback.js';
import { scriptedF18 } from './scriptedF18.js';

const ack = (link: DeviceLink, request: DecodedPacket, command: number = Cmd.ACK_OK, data?: Buffer) =>
  link.write([link.frame(request, command, data)]);

/** Answers CONNECT and the clean-up commands, and hands everything else to `rest`. */
const connectThen =
  (rest: RequestHandler): RequestHandler =>
  (request, link) => {
    if (
      [Cmd.CONNECT, Cmd.DISABLE_DEVICE, Cmd.ENABLE_DEVICE, Cmd.FREE_DATA, Cmd.EXIT].includes(
        request.command as 1000,
      )
    ) {
      return ack(link, request);
    }
    return rest(request, link);
  };

const silent: RequestHandler = () => {};

describe('ZkClient failures', () => {
  let device: LoopbackDevice | null = null;
  let baseline = liveResources();

  beforeEach(() => {
    baseline = liveResources();
  });

  afterEach(async () => {
    await device?.close();
    expect(device?.problems ?? []).toEqual([]);
    device = null;
  });

  const options = (extra: Partial<ZkClientOptions> = {}): ZkClientOptions => ({
    host: '127.0.0.1',
    port: device?.port ?? 0,
    requestTimeoutMs: 300,
    connectTimeoutMs: 1000,
    ...extra,
  });

  /** The device side saw the client hang up, and no client timer or socket is left. */
  async function expectCleanedUp() {
    const links = device?.links ?? [];
    expect(await eventually(() => links.every((link) => link.isClosed))).toBe(true);
    const after = await settledResources(baseline);
    expect(after.timers).toBeLessThanOrEqual(baseline.timers);
    expect(after.sockets).toBeLessThanOrEqual(baseline.sockets);
  }

  it('reports a refused TCP connection as DeviceUnreachableError naming the device', async () => {
    const port = await closedPort();
    const attempt = ZkClient.connect(options({ port }));
    await expect(attempt).rejects.toThrow(DeviceUnreachableError);
    await expect(attempt).rejects.toThrow(`device 127.0.0.1:${port} refused the TCP connection`);
    await expectCleanedUp();
  });

  it('reports a device that never answers CONNECT as DeviceTimeoutError', async () => {
    device = await startLoopbackDevice(silent);
    const attempt = ZkClient.connect(options());
    await expect(attempt).rejects.toThrow(DeviceTimeoutError);
    await expect(attempt).rejects.toThrow(
      `device 127.0.0.1:${device.port} did not answer CMD_CONNECT within 300 ms while opening a session`,
    );
    await expectCleanedUp();
  });

  it('reports a second ACK_UNAUTH (after AUTH) as CommKeyRefusedError', async () => {
    device = await startLoopbackDevice((request, link) => ack(link, request, Cmd.ACK_UNAUTH));
    const attempt = ZkClient.connect(options({ commKey: 12 }));
    await expect(attempt).rejects.toThrow(CommKeyRefusedError);
    await expect(attempt).rejects.toThrow(`device 127.0.0.1:${device.port} refused the comm key`);
    expect(device.links[0].requests.map((r) => r.command)).toEqual([Cmd.CONNECT, Cmd.AUTH]);
    await expectCleanedUp();
  });

  it('reports a comm key the device wants but we lack as CommKeyRefusedError, without sending AUTH', async () => {
    device = await startLoopbackDevice((request, link) => ack(link, request, Cmd.ACK_UNAUTH));
    await expect(ZkClient.connect(options())).rejects.toThrow(/requires a comm key and none is configured/);
    expect(device.links[0].requests.map((r) => r.command)).toEqual([Cmd.CONNECT]);
    await expectCleanedUp();
  });

  it('reports a wrong key against a device that checks it (and hangs up) as CommKeyRefusedError', async () => {
    const f18 = scriptedF18({ commKey: 4242 });
    device = await startLoopbackDevice(async (request, link) => {
      await f18.handler(request, link);
      if (request.command === Cmd.AUTH) link.socket.end();
    });
    await expect(ZkClient.connect(options({ commKey: 4243 }))).rejects.toThrow(CommKeyRefusedError);
    await expectCleanedUp();
  });

  it('drops the session on a bad magic with DeviceProtocolError', async () => {
    device = await startLoopbackDevice((_request, link) =>
      link.write([Buffer.from('5050827e08000000d007000000000000', 'hex')]),
    );
    const attempt = ZkClient.connect(options());
    await expect(attempt).rejects.toThrow(DeviceProtocolError);
    await expect(attempt).rejects.toThrow(
      /sent bytes that break the protocol while opening a session.*frame magic/,
    );
    await expectCleanedUp();
  });

  it('reports ACK_ERROR to 1503 as DeviceProtocolError, after freeing the buffer and re-enabling', async () => {
    const f18 = scriptedF18({ ackErrorOn: [Cmd.DATA_WRRQ], attendanceCount: 10 });
    device = await startLoopbackDevice(f18.handler);
    const client = await ZkClient.connect(options());
    const read = client.readAttendance();
    await expect(read).rejects.toThrow(DeviceProtocolError);
    await expect(read).rejects.toThrow(
      `device 127.0.0.1:${device.port} answered CMD_DATA_WRRQ with CMD_ACK_ERROR while reading the attendance log`,
    );
    expect(f18.state).toMatchObject({ enabled: true, freed: 1 });
    await client.close();
    await expectCleanedUp();
  });

  it('reports a 1503 that is never answered as DeviceTimeoutError and still re-enables', async () => {
    const f18 = scriptedF18({ attendanceCount: 10 });
    device = await startLoopbackDevice((request, link) =>
      request.command === Cmd.DATA_WRRQ ? undefined : f18.handler(request, link),
    );
    const client = await ZkClient.connect(options());
    await expect(client.readAttendance()).rejects.toThrow(DeviceTimeoutError);
    expect(f18.state.enabled).toBe(true);
    await client.close();
    await expectCleanedUp();
  });

  it('reports ACK_ERROR to a simple command as DeviceProtocolError and keeps the session usable', async () => {
    const f18 = scriptedF18({ ackErrorOn: [Cmd.GET_TIME] });
    device = await startLoopbackDevice(f18.handler);
    const client = await ZkClient.connect(options());
    await expect(client.getTime()).rejects.toThrow(
      'answered CMD_GET_TIME with CMD_ACK_ERROR while reading the clock',
    );
    expect((await client.freeSizes()).userCapacity).toBe(10000);
    await client.close();
    await expectCleanedUp();
  });

  it('reports a device that hangs up mid-transfer as DeviceUnreachableError', async () => {
    const records = Buffer.concat(
      Array.from({ length: 3000 }, () =>
        encodeAttendanceRecord(
          {
            uid: 1,
            userId: '1',
            verifyType: 1,
            state: 0,
            time: { year: 2024, month: 1, day: 1, hour: 8, minute: 0, second: 0 },
          },
          40,
        ),
      ),
    );
    const f18 = scriptedF18({ attendance: records, attendanceCount: 3000 });
    device = await startLoopbackDevice(async (request, link) => {
      if (request.command === Cmd.DATA_RDY) {
        await link.write([link.frame(request, Cmd.PREPARE_DATA, Buffer.from('c0ff0000f0030000', 'hex'))]);
        link.socket.destroy();
        return;
      }
      await f18.handler(request, link);
    });
    const client = await ZkClient.connect(options());
    const read = client.readAttendance();
    await expect(read).rejects.toThrow(DeviceUnreachableError);
    await expect(read).rejects.toThrow(
      /closed the connection while reading the attendance log \(bytes 0-65471/,
    );
    await client.close();
    await expectCleanedUp();
  });

  it('refuses a log whose size does not match the record count', async () => {
    const f18 = scriptedF18({ attendance: Buffer.alloc(400), attendanceCount: 9 });
    device = await startLoopbackDevice(f18.handler);
    const client = await ZkClient.connect(options());
    await expect(client.readAttendance()).rejects.toThrow(
      /reading the attendance log: attendance log of 400 bytes for 9 records does not match a known record size/,
    );
    expect(f18.state.enabled).toBe(true);
    await client.close();
    await expectCleanedUp();
  });

  it('refuses a chunk that ends early', async () => {
    device = await startLoopbackDevice(
      connectThen(async (request, link) => {
        if (request.command === Cmd.GET_FREE_SIZES) return ack(link, request, Cmd.ACK_OK, Buffer.alloc(80));
        if (request.command === Cmd.DATA_WRRQ)
          return ack(link, request, Cmd.ACK_OK, Buffer.from('00640000006400000000000000', 'hex'));
        if (request.command === Cmd.DATA_RDY) {
          await link.write([
            link.frame(request, Cmd.PREPARE_DATA, Buffer.from('64000000f0030000', 'hex')),
            link.frame(request, Cmd.DATA, Buffer.alloc(60)),
            link.frame(request, Cmd.ACK_OK),
          ]);
        }
      }),
    );
    const client = await ZkClient.connect(options());
    await expect(client.readAttendance()).rejects.toThrow(
      /ended the transfer with CMD_ACK_OK after 60 of 100 bytes/,
    );
    await client.close();
    await expectCleanedUp();
  });

  describe('checksums', () => {
    const badChecksumReply: RequestHandler = (request, link) => {
      const frame = link.frame(request, Cmd.ACK_OK);
      frame.writeUInt16LE(frame.readUInt16LE(10) ^ 0x0101, 10);
      return link.write([frame]);
    };

    it('rejects a packet with a wrong checksum by default', async () => {
      device = await startLoopbackDevice(badChecksumReply);
      await expect(ZkClient.connect(options())).rejects.toThrow(
        /CMD_ACK_OK packet with checksum .* does not match/,
      );
      await expectCleanedUp();
    });

    it('only warns when told to log mismatches', async () => {
      device = await startLoopbackDevice(badChecksumReply);
      const warnings: string[] = [];
      const client = await ZkClient.connect(
        options({ checksumMismatch: 'log', onWarning: (m) => warnings.push(m) }),
      );
      expect(warnings).toHaveLength(1);
      expect(client.sessionId).toBe(SESSION_ID);
      await client.close();
      await expectCleanedUp();
    });
  });

  it('drops a stale reply and takes the one with the right reply number', async () => {
    device = await startLoopbackDevice(
      connectThen((request, link) => {
        const time = Buffer.from('6bb36823', 'hex');
        return link.write([
          Buffer.concat([
            link.frame(request, Cmd.ACK_OK, Buffer.from('00000000', 'hex'), { reply: request.reply - 1 }),
            link.frame(request, Cmd.ACK_OK, time),
          ]),
        ]);
      }),
    );
    const client = await ZkClient.connect(options());
    expect(await client.getTime()).toEqual({
      year: 2018,
      month: 6,
      day: 25,
      hour: 17,
      minute: 50,
      second: 35,
    });
    await client.close();
    await expectCleanedUp();
  });

  it('acknowledges events that arrive while idle, with the session id and reply 0', async () => {
    const events: number[] = [];
    let acked: DecodedPacket | null = null;
    device = await startLoopbackDevice(async (request, link) => {
      if (request.command === Cmd.ACK_OK) {
        acked = request;
        return;
      }
      await ack(link, request);
      if (request.command === Cmd.CONNECT) {
        await link.write([
          encodeFrame({ command: Cmd.REG_EVENT, session: 256, reply: 0, data: Buffer.from('64', 'hex') }),
        ]);
      }
    });
    const client = await ZkClient.connect(options({ onEvent: (e) => events.push(e.eventCode) }));
    await eventually(() => acked !== null);
    expect(events).toEqual([256]);
    expect(acked).toMatchObject({ command: Cmd.ACK_OK, session: SESSION_ID, reply: 0 });
    await client.close();
    await expectCleanedUp();
  });

  it('reports a device that closes the connection before answering CONNECT as DeviceBusyError', async () => {
    device = await startLoopbackDevice(silent, { onConnection: (socket) => socket.end() });
    await expect(ZkClient.connect(options())).rejects.toThrow(DeviceBusyError);
    await expectCleanedUp();
  });

  it.each([
    [{ host: '' }, /needs a host/],
    [{ port: 70000 }, /port must be/],
    [{ commKey: -1 }, /comm key must be/],
  ])('refuses bad settings %j before touching the network', async (extra, message) => {
    await expect(ZkClient.connect({ ...options(), port: 4370, ...extra })).rejects.toThrow(
      ConfigurationError,
    );
    await expect(ZkClient.connect({ ...options(), port: 4370, ...extra })).rejects.toThrow(message);
  });
});
