import type { Socket } from 'node:net';
import { describeError } from '../../errors.js';
import {
  Cmd,
  commandName,
  DatasetFct,
  type DecodedPacket,
  decodeDataRdy,
  decodeDataWrrq,
  decodePayload,
  EventCode,
  encodeBufferedReadReply,
  encodeEventAttLog,
  encodeFrame,
  FrameReader,
  isCommKeyValid,
  type Packet,
} from '../codec/index.js';
import { type Answer, answerDeviceCommand } from './commands.js';
import type { SimulatedDevice } from './device.js';
import type { SimPunch } from './generatedLog.js';
import type { ResolvedSimulatorOptions } from './options.js';
import type { Random } from './random.js';
import type { SimulatorStats } from './stats.js';
import { chunkPackets, type TransferFraming, truncatedTransfer } from './transfer.js';
import { createReplyWriter, type ReplyWriter } from './writer.js';

/** What a session shares with the simulator that accepted it. */
export interface SessionContext {
  device: SimulatedDevice;
  options: ResolvedSimulatorOptions;
  stats: SimulatorStats;
  /** Seeded, this connection's own: fragmentation cuts. */
  random: Random;
  sessionId: number;
  /** True when this chunk of a read is where the connection must drop (the fault's budget is shared). */
  takeDrop(chunkNumber: number): boolean;
  onClose(session: SimulatorSession): void;
}

type Phase = 'awaiting-connect' | 'awaiting-auth' | 'ready';

const EMPTY = Buffer.alloc(0);
/** Requests a terminal keeps serving before CONNECT or AUTH. */
const OPEN_COMMANDS = new Set<number>([Cmd.CONNECT, Cmd.AUTH, Cmd.EXIT]);

/**
 * One TCP connection to the simulated terminal. Requests are handled strictly one after another
 * (clients that pipeline DATA_RDY requests get their answers in order), and every listener is
 * guarded: nothing thrown here may escape into the socket's event emitter.
 */
export class SimulatorSession {
  readonly sessionId: number;
  /** The client's address, kept because a destroyed socket forgets it. */
  readonly remote: string;
  private phase: Phase = 'awaiting-connect';
  private readonly reader = new FrameReader();
  private readonly writer: ReplyWriter;
  private queue: Promise<void> = Promise.resolve();
  /** The dataset a DATA_WRRQ prepared, until FREE_DATA. */
  private prepared: Buffer | null = null;
  private chunksOfPrepared = 0;
  private eventFlags = 0;
  private disabledDevice = false;
  private closed = false;

  constructor(
    private readonly socket: Socket,
    private readonly context: SessionContext,
  ) {
    this.sessionId = context.sessionId;
    this.remote = `${socket.remoteAddress}:${socket.remotePort}`;
    this.writer = createReplyWriter(socket, {
      mode: context.options.writeMode,
      delayMs: context.options.writeDelayMs,
      random: context.random,
    });
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => this.log('info', `socket error: ${describeError(error)}`));
    socket.on('close', () => this.onClose());
  }

  /** Ends the connection at once (simulator shutdown). */
  destroy(): void {
    this.socket.destroy();
  }

  /** Pushes an EF_ATTLOG event to a client that registered for them, after any reply in flight. */
  notifyPunch(punch: SimPunch): void {
    if (this.closed || this.phase !== 'ready' || (this.eventFlags & EventCode.ATTLOG) === 0) return;
    this.enqueue(async () => {
      const data = encodeEventAttLog(punch, 32);
      // Events carry the event code in the session field and reply number 0 (PROTOCOL.md §12).
      await this.send([{ command: Cmd.REG_EVENT, session: EventCode.ATTLOG, reply: 0, data }]);
      this.context.stats.eventsSent++;
    });
  }

  private onData(chunk: Buffer): void {
    try {
      for (const payload of this.reader.push(chunk)) {
        this.enqueue(() => this.handle(decodePayload(payload)));
      }
    } catch (error) {
      this.log('warn', `closing ${this.remote}: unreadable bytes from the client (${describeError(error)})`);
      this.socket.destroy();
    }
  }

  private enqueue(task: () => Promise<void>): void {
    this.queue = this.queue
      .then(() => (this.closed ? undefined : task()))
      .catch((error) => {
        this.log('warn', `closing ${this.remote} after an internal failure: ${describeError(error)}`);
        this.socket.destroy();
      });
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.prepared = null;
    if (this.disabledDevice && this.context.options.enableOnDisconnect) {
      this.context.device.enabled = true;
    }
    this.context.onClose(this);
  }

  private async handle(request: DecodedPacket): Promise<void> {
    const { stats, options } = this.context;
    if (!request.checksumValid) {
      stats.checksumErrors++;
      this.log(
        'warn',
        `${commandName(request.command)} from ${this.remote} carries checksum 0x${request.checksum.toString(16)}, ` +
          'not the one its bytes give',
      );
    }
    // A client's ACK_OK answers an event we pushed; it gets no answer itself.
    if (request.command === Cmd.ACK_OK) {
      stats.eventAcks++;
      return;
    }
    stats.commandsSeen++;
    const name = commandName(request.command);
    stats.commandCounts[name] = (stats.commandCounts[name] ?? 0) + 1;

    if (
      this.phase !== 'awaiting-connect' &&
      request.command !== Cmd.CONNECT &&
      request.session !== this.sessionId
    ) {
      stats.sessionIdMismatches++;
      this.log(
        'warn',
        `${name} from ${this.remote} carries session ${request.session}, not ${this.sessionId}`,
      );
    }
    if (options.ackErrorOn.includes(request.command)) {
      return this.answer(request, { command: Cmd.ACK_ERROR });
    }
    if (this.phase !== 'ready' && !OPEN_COMMANDS.has(request.command)) {
      return this.answer(request, { command: Cmd.ACK_UNAUTH });
    }
    return this.dispatch(request);
  }

  private async dispatch(request: DecodedPacket): Promise<void> {
    const { device, stats, options } = this.context;
    switch (request.command) {
      case Cmd.CONNECT:
        this.phase = options.commKey === 0 ? 'ready' : 'awaiting-auth';
        if (this.phase === 'ready') stats.sessionsOpened++;
        return this.answer(request, { command: this.phase === 'ready' ? Cmd.ACK_OK : Cmd.ACK_UNAUTH });
      case Cmd.AUTH:
        return this.authenticate(request);
      case Cmd.EXIT:
        return this.answer(request, { command: Cmd.ACK_OK, closeAfter: true });
      case Cmd.DISABLE_DEVICE:
        device.enabled = false;
        this.disabledDevice = true;
        stats.disableCount++;
        return this.answer(request, { command: Cmd.ACK_OK });
      case Cmd.ENABLE_DEVICE:
        device.enabled = true;
        this.disabledDevice = false;
        stats.enableCount++;
        return this.answer(request, { command: Cmd.ACK_OK });
      case Cmd.REG_EVENT:
        this.eventFlags = request.data.length >= 4 ? request.data.readUInt32LE(0) : (request.data[0] ?? 0);
        return this.answer(request, { command: Cmd.ACK_OK });
      case Cmd.DATA_WRRQ:
        return this.prepareRead(request);
      case Cmd.DATA_RDY:
        return this.sendChunk(request);
      case Cmd.FREE_DATA:
        this.prepared = null;
        return this.answer(request, { command: Cmd.ACK_OK });
      case Cmd.ATTLOG_RRQ:
      case Cmd.USERTEMP_RRQ:
        return this.sendLegacyRead(request);
      default: {
        const answer = answerDeviceCommand(device, options, request.command, request.data);
        return this.answer(request, answer ?? { command: Cmd.ACK_UNKNOWN });
      }
    }
  }

  private async authenticate(request: DecodedPacket): Promise<void> {
    const { options, stats } = this.context;
    if (this.phase === 'awaiting-connect') return this.answer(request, { command: Cmd.ACK_UNAUTH });
    if (this.phase === 'ready') return this.answer(request, { command: Cmd.ACK_OK });
    if (isCommKeyValid(request.data, options.commKey, this.sessionId)) {
      this.phase = 'ready';
      stats.sessionsOpened++;
      return this.answer(request, { command: Cmd.ACK_OK });
    }
    stats.authFailures++;
    this.log('info', `${this.remote} sent a wrong comm key; closing the connection`);
    return this.answer(request, { command: Cmd.ACK_UNAUTH, closeAfter: true });
  }

  /** DATA_WRRQ (1503): the dataset inline when small, else announced and kept for DATA_RDY. */
  private async prepareRead(request: DecodedPacket): Promise<void> {
    const { options } = this.context;
    if (options.ignoreDataWrrq) {
      this.log('info', `ignoring DATA_WRRQ from ${this.remote} (fault ignoreDataWrrq)`);
      return;
    }
    const dataset = this.datasetFor(request);
    if (!dataset) return this.answer(request, { command: Cmd.ACK_ERROR });
    if (options.inlineThresholdBytes > 0 && dataset.length <= options.inlineThresholdBytes) {
      return this.send([{ command: Cmd.DATA, session: this.sessionId, reply: request.reply, data: dataset }]);
    }
    this.prepared = dataset;
    this.chunksOfPrepared = 0;
    return this.answer(request, { command: Cmd.ACK_OK, data: encodeBufferedReadReply(dataset.length) });
  }

  private datasetFor(request: DecodedPacket): Buffer | undefined {
    const { device, options } = this.context;
    try {
      const wanted = decodeDataWrrq(request.data);
      if (wanted.command === Cmd.ATTLOG_RRQ) return device.attendanceDataset(options.recordSize);
      if (wanted.command === Cmd.USERTEMP_RRQ && wanted.fct === DatasetFct.USERS) {
        return device.usersDataset(options.userSize);
      }
      // Templates and the op-log are not simulated.
      this.log('info', `DATA_WRRQ for command ${wanted.command} fct ${wanted.fct} is not simulated`);
      return undefined;
    } catch (error) {
      this.log('warn', `cannot serve DATA_WRRQ from ${this.remote}: ${describeError(error)}`);
      return undefined;
    }
  }

  /** DATA_RDY (1504): PREPARE_DATA, CMD_DATA packets, ACK_OK, all with the request's reply number. */
  private async sendChunk(request: DecodedPacket): Promise<void> {
    const prepared = this.prepared;
    let range: { start: number; length: number };
    try {
      range = decodeDataRdy(request.data);
    } catch {
      return this.answer(request, { command: Cmd.ACK_ERROR });
    }
    if (!prepared || range.start + range.length > prepared.length) {
      this.log(
        'warn',
        `DATA_RDY ${range.start}+${range.length} from ${this.remote} is outside the prepared data`,
      );
      return this.answer(request, { command: Cmd.ACK_ERROR });
    }
    this.chunksOfPrepared++;
    const bytes = prepared.subarray(range.start, range.start + range.length);
    const frames = chunkPackets(bytes, request.reply, this.framing()).map(encodeFrame);
    if (this.context.takeDrop(this.chunksOfPrepared)) {
      this.log('info', `dropping ${this.remote} during chunk ${this.chunksOfPrepared} (fault dropAtChunk)`);
      await this.writer.send(truncatedTransfer(frames));
      this.socket.destroy();
      return;
    }
    await this.writer.send(frames);
    this.context.stats.chunksServed++;
  }

  /** ATTLOG_RRQ / USERTEMP_RRQ without DATA_WRRQ: the whole dataset straight away (older clients). */
  private async sendLegacyRead(request: DecodedPacket): Promise<void> {
    const { device, options } = this.context;
    let dataset: Buffer;
    try {
      dataset =
        request.command === Cmd.ATTLOG_RRQ
          ? device.attendanceDataset(options.recordSize)
          : device.usersDataset(options.userSize);
    } catch (error) {
      this.log('warn', `cannot serve ${commandName(request.command)}: ${describeError(error)}`);
      return this.answer(request, { command: Cmd.ACK_ERROR });
    }
    return this.send(chunkPackets(dataset, request.reply, this.framing()));
  }

  private framing(): TransferFraming {
    return { sessionId: this.sessionId, splitDataBytes: this.context.options.splitDataBytes };
  }

  private async answer(request: Packet, answer: Answer): Promise<void> {
    await this.send([
      {
        command: answer.command,
        session: answer.session ?? this.sessionId,
        reply: request.reply,
        data: answer.data ?? EMPTY,
      },
    ]);
    if (answer.closeAfter) this.socket.end();
  }

  private send(packets: Packet[]): Promise<void> {
    return this.writer.send(packets.map(encodeFrame));
  }

  private log(level: 'info' | 'warn', message: string): void {
    try {
      this.context.options.log(level, `session ${this.sessionId}: ${message}`);
    } catch {
      // A failing logger must not take the connection down.
    }
  }
}
