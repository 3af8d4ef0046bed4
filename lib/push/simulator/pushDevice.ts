/**
 * A push (ADMS) terminal as an HTTP client of the receiver: handshake, uploads with stamps,
 * heartbeats, commands. It pushes the log of a simulated terminal, so one simulated device can be
 * polled over TCP and push over HTTP at once. Its stamp is the number of log records the receiver
 * has acknowledged; an upload that gets no OK is sent again, as firmware does.
 */
import type { DeviceDump } from '../../zk/simulator/index.js';

export interface PushSource {
  dump(): DeviceDump;
}

export interface SimulatedPushDeviceOptions {
  /** The receiver, e.g. http://127.0.0.1:8081 */
  url: string;
  serialNumber: string;
  source: PushSource;
  /** Records per ATTLOG post. */
  batchSize?: number;
  pushKey?: string;
  /** Pause between rounds of start(); by default the `Delay` the receiver's handshake asked for. */
  intervalMs?: number;
  /** Tries of one upload before the round gives up (the next round starts again). */
  uploadTries?: number;
  log?: (message: string) => void;
  /** Each answer and how long it took, for figures (the benchmark's percentiles). */
  onAnswer?: (kind: PushRequestKind, ms: number, status: number) => void;
}

export type PushRequestKind = 'handshake' | 'upload' | 'getrequest' | 'devicecmd';

/** Without a `Delay` in the handshake: the poll interval firmware starts with. */
const DEFAULT_INTERVAL_MS = 10_000;

export interface PushStats {
  handshakes: number;
  uploads: number;
  uploadFailures: number;
  recordsSent: number;
  commandsExecuted: number;
  lastError: string | null;
}

export class SimulatedPushDevice {
  /** Records the receiver acknowledged (the device's ATTLOG stamp). */
  position = 0;
  readonly stats: PushStats = {
    handshakes: 0,
    uploads: 0,
    uploadFailures: 0,
    recordsSent: 0,
    commandsExecuted: 0,
    lastError: null,
  };
  readonly options = new Map<string, string>();
  /** The `Delay` of the last handshake, in ms. */
  private delayMs: number | null = null;
  private handshaken = false;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly config: SimulatedPushDeviceOptions) {}

  get serialNumber(): string {
    return this.config.serialNumber;
  }

  private query(extra: Record<string, string> = {}): string {
    const params = new URLSearchParams({ SN: this.config.serialNumber, ...extra });
    if (this.config.pushKey) params.set('pushcommkey', this.config.pushKey);
    return params.toString();
  }

  private async request(kind: PushRequestKind, path: string, extra: Record<string, string>, body?: string) {
    const started = performance.now();
    const response = await fetch(`${this.config.url}${path}?${this.query(extra)}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'User-Agent': 'iClock Proxy/1.09', 'Content-Type': 'text/plain' },
      body,
    });
    const text = await response.text();
    this.config.onAnswer?.(kind, performance.now() - started, response.status);
    return { status: response.status, text, date: response.headers.get('date') };
  }

  /** GET cdata?options=all: resume where the receiver's ATTLOGStamp says. */
  async handshake(): Promise<{ status: number; text: string; date: string | null }> {
    const answer = await this.request('handshake', '/iclock/cdata', {
      options: 'all',
      pushver: '2.4.1',
      language: '69',
    });
    this.stats.handshakes++;
    if (answer.status !== 200) throw new Error(`handshake refused (${answer.status}): ${answer.text.trim()}`);
    const stamp = /^ATTLOGStamp=(\d+)/m.exec(answer.text);
    const delay = /^Delay=(\d{1,5})\s*$/m.exec(answer.text);
    this.delayMs = delay ? Math.max(1, Number(delay[1])) * 1000 : null;
    this.position = Math.min(stamp ? Number(stamp[1]) : 0, this.config.source.dump().punches.length);
    this.handshaken = true;
    return answer;
  }

  private lines(punches: DeviceDump['punches']): string {
    return punches
      .map((p) => `${p.user_id}\t${deviceTime(p.timestamp)}\t${p.punch_state}\t${p.verify_type}\t0\t0\t0\n`)
      .join('');
  }

  /** One ATTLOG post, retried when no OK comes back; true once acknowledged. */
  private async post(lines: string, stamp: number): Promise<boolean> {
    const tries = this.config.uploadTries ?? 3;
    for (let attempt = 1; attempt <= tries; attempt++) {
      try {
        const answer = await this.request(
          'upload',
          '/iclock/cdata',
          { table: 'ATTLOG', Stamp: String(stamp) },
          lines,
        );
        this.stats.uploads++;
        if (answer.status === 200 && answer.text.startsWith('OK')) {
          this.stats.lastError = null;
          return true;
        }
        this.stats.lastError = `upload answered ${answer.status}: ${answer.text.trim()}`;
        if (answer.status !== 429 && answer.status < 500) return false;
      } catch (error) {
        this.stats.lastError = `upload failed: ${error instanceof Error ? error.message : String(error)}`;
      }
      this.stats.uploadFailures++;
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
    }
    return false;
  }

  /** Sends what the receiver has not acknowledged, a batch at a time. */
  async upload(): Promise<number> {
    const punches = this.config.source.dump().punches;
    const batch = this.config.batchSize ?? 1000;
    let sent = 0;
    while (this.position < punches.length) {
      const slice = punches.slice(this.position, this.position + batch);
      if (!(await this.post(this.lines(slice), this.position + slice.length))) break;
      this.position += slice.length;
      this.stats.recordsSent += slice.length;
      sent += slice.length;
    }
    return sent;
  }

  /** getrequest, then each command executed and its result posted to devicecmd. */
  async pollCommands(): Promise<number> {
    const { users, punches } = this.config.source.dump();
    const answer = await this.request('getrequest', '/iclock/getrequest', {
      INFO: `Ver 8.0.4-sim,${users.length},0,${punches.length},127.0.0.1`,
    });
    if (answer.status !== 200)
      throw new Error(`getrequest refused (${answer.status}): ${answer.text.trim()}`);
    const commands = answer.text
      .split('\n')
      .map((line) => /^C:([A-Za-z0-9]+):(.*)$/.exec(line.trim()))
      .filter((match): match is RegExpExecArray => match !== null);
    const results: string[] = [];
    for (const [, id, command] of commands) {
      const { code, detail } = await this.execute(command);
      results.push(`ID=${id}&Return=${code}&CMD=${command.split(' ')[0]}${detail ? `\n${detail}` : ''}`);
      this.stats.commandsExecuted++;
    }
    if (results.length > 0) {
      await this.request('devicecmd', '/iclock/devicecmd', {}, `${results.join('\n')}\n`);
    }
    return commands.length;
  }

  private async execute(command: string): Promise<{ code: number; detail: string }> {
    const dump = this.config.source.dump();
    if (command === 'INFO') {
      return {
        code: 0,
        detail: `~SerialNumber=${this.config.serialNumber}\nUserCount=${dump.users.length}\nTransactionCount=${dump.punches.length}`,
      };
    }
    if (command === 'CHECK' || command === 'REBOOT' || command === 'RELOAD OPTIONS') {
      await this.handshake();
      if (command !== 'RELOAD OPTIONS') await this.upload();
      return { code: 0, detail: '' };
    }
    const query = /^DATA QUERY ATTLOG StartTime=([\d-]+ [\d:]+)\tEndTime=([\d-]+ [\d:]+)$/.exec(command);
    if (query) {
      const [, start, end] = query;
      const range = dump.punches.filter(
        (p) => deviceTime(p.timestamp) >= start && deviceTime(p.timestamp) <= end,
      );
      if (range.length === 0) return { code: -1, detail: '' };
      for (let i = 0; i < range.length; i += this.config.batchSize ?? 1000) {
        const slice = range.slice(i, i + (this.config.batchSize ?? 1000));
        if (!(await this.post(this.lines(slice), this.position))) return { code: -1, detail: '' };
      }
      return { code: range.length, detail: '' };
    }
    const option = /^SET OPTION (.+)$/.exec(command);
    if (option) {
      for (const pair of option[1].split(',')) {
        const [key, ...value] = pair.split('=');
        if (!key || value.length === 0) return { code: -1002, detail: '' };
        this.options.set(key, value.join('='));
      }
      return { code: 0, detail: '' };
    }
    return { code: -1004, detail: '' };
  }

  /** One round as a terminal does it: handshake when needed, upload, take commands. */
  async round(): Promise<{ sent: number; commands: number }> {
    if (!this.handshaken) await this.handshake();
    const sent = await this.upload();
    const commands = await this.pollCommands();
    return { sent, commands };
  }

  /** The pause before the next round: as configured, else as the receiver asked. */
  get intervalMs(): number {
    return this.config.intervalMs ?? this.delayMs ?? DEFAULT_INTERVAL_MS;
  }

  /**
   * Rounds until stop(); a failing round is logged and the next one starts with a handshake. A
   * problem is logged when it starts, not every round it lasts.
   */
  start(): void {
    const say = (message: string) => this.config.log?.(`push ${this.config.serialNumber}: ${message}`);
    let told: string | null = null;
    const tick = () => {
      this.stats.lastError = null;
      this.running = this.round()
        .then(({ sent, commands }) => {
          if (sent > 0) say(`${sent} record(s) acknowledged, stamp ${this.position}`);
          if (commands > 0) say(`${commands} command(s) executed`);
        })
        .catch((error) => {
          this.stats.lastError = error instanceof Error ? error.message : String(error);
          this.handshaken = false;
        })
        .finally(() => {
          const problem = this.stats.lastError;
          if (problem !== told) say(problem ?? 'the receiver answers again');
          told = problem;
          if (!this.stopped) this.timer = setTimeout(tick, this.intervalMs);
        });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}

/** Terminals write `YYYY-MM-DD HH:MM:SS`. */
function deviceTime(timestamp: string): string {
  return timestamp.replace('T', ' ');
}
