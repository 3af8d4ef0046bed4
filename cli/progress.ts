/**
 * A one-line progress display for long CLI operations: a bar when the total is known, a spinner
 * when it is not. On a terminal the line redraws in place; otherwise (a pipe, a log file, a test)
 * it prints a plain line where a read starts and at each quarter, so logs stay readable.
 */

export interface ProgressTerminal {
  isTTY: boolean;
  /** Replaces the current line (TTY only). */
  redraw(text: string): void;
  /** Prints a whole line. */
  line(text: string): void;
}

export const stdoutTerminal: ProgressTerminal = {
  get isTTY() {
    return Boolean(process.stdout.isTTY);
  },
  redraw: (text) => {
    process.stdout.write(`\r\x1b[2K${text}`);
  },
  line: (text) => console.log(text),
};

const SPINNER = ['|', '/', '-', '\\'];
const BAR_WIDTH = 24;
/** Plain output prints at these fractions, so a long download writes a handful of lines, not thousands. */
const PLAIN_STEPS = [0.25, 0.5, 0.75, 1];

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** `label [#########...............] 37% 1.5 MB of 4.0 MB`; a total of 0 reads as complete. */
export function renderBar(label: string, done: number, total: number, width = BAR_WIDTH): string {
  const fraction = total > 0 ? Math.min(1, Math.max(0, done / total)) : 1;
  const filled = Math.round(fraction * width);
  const percent = Math.floor(fraction * 100);
  return (
    `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${percent}% ` +
    `${formatBytes(Math.min(done, total))} of ${formatBytes(total)}`
  );
}

export class Progress {
  private frame = 0;
  private nextPlainStep = 0;
  private lastTotal: number | null = null;
  private drawn = false;

  constructor(
    private readonly label: string,
    private readonly terminal: ProgressTerminal = stdoutTerminal,
  ) {}

  /**
   * Bytes done of a known total. Plain output prints where a read starts and each quarter it passes;
   * a different total is a new read.
   */
  update(done: number, total: number): void {
    if (this.terminal.isTTY) {
      this.terminal.redraw(renderBar(this.label, done, total));
      this.drawn = true;
      return;
    }
    const fraction = total > 0 ? done / total : 1;
    let print = false;
    if (total !== this.lastTotal) {
      this.lastTotal = total;
      this.nextPlainStep = 0;
      print = true;
    }
    while (this.nextPlainStep < PLAIN_STEPS.length && fraction >= PLAIN_STEPS[this.nextPlainStep]) {
      this.nextPlainStep += 1;
      print = true;
    }
    if (print) this.terminal.line(renderBar(this.label, done, total));
  }

  /** Something is happening, amount unknown (waiting for a workflow, connecting). */
  spin(detail = ''): void {
    if (!this.terminal.isTTY) return;
    const frame = SPINNER[this.frame % SPINNER.length];
    this.frame += 1;
    this.terminal.redraw(`${this.label} ${frame}${detail ? ` ${detail}` : ''}`);
    this.drawn = true;
  }

  /** Clears the line so the next output starts clean; on plain output there is nothing to clear. */
  finish(): void {
    if (this.terminal.isTTY && this.drawn) this.terminal.redraw('');
    this.drawn = false;
  }
}
