/**
 * The minimal stream a {@link ProgressDisplay} writes to: Node's `process.stderr` fits, and so does any
 * object with a `write` method (a test double, a log sink). No Node-only API is needed.
 */
export interface ProgressStream {
  /** Writes a chunk of text. */
  write(text: string): unknown;
  /** Whether the stream is an interactive terminal (lines are then redrawn in place). */
  isTTY?: boolean;
  /** The terminal's width in columns (lines are truncated to fit). */
  columns?: number;
}

/** Options of {@link ProgressDisplay}. */
export interface ProgressDisplayOptions {
  /** Where to write (default `process.stderr` when it exists); `null` writes nothing. */
  stream?: ProgressStream | null;
  /** The clock in milliseconds (default `Date.now`). */
  now?: () => number;
  /** Minimum milliseconds between redraws on a terminal (default 100). */
  redrawMs?: number;
  /** Minimum milliseconds between two plain lines of one row when the stream is not a terminal (default 5000). */
  plainMs?: number;
}

/** One row's progress, as given to {@link ProgressDisplay.update}. */
export interface ProgressRow {
  /** Iterations done so far. */
  done: number;
  /** Iterations in all. */
  total: number;
  /** Text before the bar, e.g. `"chain 0 warmup"`. */
  label: string;
  /** Text after the counts and times, e.g. `"3 divergences | 7 steps of size 0.1"`. */
  suffix?: string;
}

interface RowState extends ProgressRow {
  t0: number;
  done0: number;
  lastPlain: number;
  plainDone: number;
}

/** Seconds of progress needed before a rate or an ETA is shown (shorter spans give noisy rates). */
const MIN_RATE_SECONDS = 0.5;

/** Formats seconds as `m:ss` or `h:mm:ss`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

function formatRate(rate: number): string {
  if (rate >= 100) return `${rate.toFixed(0)} it/s`;
  if (rate >= 1) return `${rate.toPrecision(3)} it/s`;
  return `${(1 / rate).toPrecision(3)} s/it`;
}

function defaultStream(): ProgressStream | undefined {
  const proc = (globalThis as { process?: { stderr?: ProgressStream } }).process;
  return proc?.stderr;
}

/**
 * A multi-row terminal progress display (one row per chain, or one for an SVI run), the counterpart of
 * NumPyro's tqdm bars. On a terminal the rows are truncated to the stream's width and redrawn in place
 * (so nothing wraps and nothing piles up); on any other stream each row is written as a plain line now and
 * then and once at the end. Each row shows a bar, `done/total`, elapsed time, the ETA and the rate once
 * at least half a second of progress has been seen (no absurd first rates), then the caller's suffix.
 *
 * It uses no Node-only API: give it any {@link ProgressStream}; in a browser without one it writes nothing
 * (use the samplers' `onProgress` callbacks there).
 *
 * @example
 * const lines: string[] = [];
 * const stream = { write: (text: string) => lines.push(text) }; // not a terminal: plain lines
 * const display = new ProgressDisplay(1, { stream, now: () => 0 });
 * display.update(0, { done: 10, total: 100, label: "SVI", suffix: "loss 12.3" });
 * display.finish();
 * lines.length; // → 1
 */
export class ProgressDisplay {
  private readonly rows: (RowState | undefined)[];
  private readonly stream: ProgressStream | undefined;
  private readonly now: () => number;
  private readonly redrawMs: number;
  private readonly plainMs: number;
  private drawn = 0;
  private lastDraw = Number.NEGATIVE_INFINITY;

  /**
   * @param numRows - number of rows (e.g. chains), at least 1.
   * @param options - stream, clock and redraw intervals.
   */
  constructor(numRows: number, options: ProgressDisplayOptions = {}) {
    this.rows = new Array(Math.max(1, numRows)).fill(undefined);
    this.stream = options.stream === null ? undefined : (options.stream ?? defaultStream());
    this.now = options.now ?? Date.now;
    this.redrawMs = options.redrawMs ?? 100;
    this.plainMs = options.plainMs ?? 5000;
  }

  /** Whether rows are redrawn in place (the stream is a terminal). */
  get interactive(): boolean {
    return this.stream?.isTTY === true;
  }

  /**
   * Records one row's progress and redraws (or writes a plain line) when due.
   *
   * @param row - the row index (e.g. the chain).
   * @param progress - iterations done and in all, label and suffix.
   */
  update(row: number, progress: ProgressRow): void {
    const t = this.now();
    const prev = this.rows[row];
    const state: RowState =
      prev === undefined || progress.done < prev.done
        ? { ...progress, t0: t, done0: progress.done, lastPlain: t, plainDone: -1 }
        : { ...prev, ...progress, suffix: progress.suffix };
    this.rows[row] = state;
    const complete = progress.done >= progress.total;
    if (this.interactive) {
      if (t - this.lastDraw >= this.redrawMs || complete) this.draw(t);
    } else if ((complete || t - state.lastPlain >= this.plainMs) && state.plainDone !== state.done) {
      state.lastPlain = t;
      state.plainDone = state.done;
      this.stream?.write(`${this.format(state, t, Number.POSITIVE_INFINITY)}\n`);
    }
  }

  /** Final redraw (terminal) or the last plain line of each unfinished row; call once at the end. */
  finish(): void {
    const t = this.now();
    if (this.interactive) {
      this.draw(t);
      return;
    }
    for (const r of this.rows) {
      if (r !== undefined && r.plainDone !== r.done) {
        r.plainDone = r.done;
        this.stream?.write(`${this.format(r, t, Number.POSITIVE_INFINITY)}\n`);
      }
    }
  }

  /** One row's text, cut to `width` characters. */
  private format(r: RowState, t: number, width: number): string {
    const secs = (t - r.t0) / 1000;
    const progressed = r.done - r.done0;
    const rate = secs >= MIN_RATE_SECONDS && progressed > 0 ? progressed / secs : undefined;
    // Iterations done before the row's first report are credited at the measured rate.
    const elapsed = secs + (rate !== undefined ? r.done0 / rate : 0);
    const complete = r.done >= r.total;
    let times = formatDuration(elapsed);
    if (!complete) times += rate !== undefined ? `<${formatDuration((r.total - r.done) / rate)}` : "<?";
    if (rate !== undefined) times += `, ${formatRate(rate)}`;
    const counts = `${r.done}/${r.total} [${times}]`;
    const suffix = r.suffix ? ` ${r.suffix}` : "";
    const frac = r.total > 0 ? Math.min(1, r.done / r.total) : 1;
    // The bar takes what is left of the width after label and counts, between 10 and 30 cells.
    const fixed = r.label.length + counts.length + 2;
    const barWidth = Number.isFinite(width) ? Math.min(30, Math.max(10, width - fixed - 20)) : 20;
    const filled = Math.round(barWidth * frac);
    const bar = `${"█".repeat(filled)}${"░".repeat(barWidth - filled)}`;
    const line = `${r.label} ${bar} ${counts}${suffix}`;
    return line.length > width ? line.slice(0, Math.max(0, width)) : line;
  }

  private draw(t: number): void {
    const stream = this.stream;
    if (stream === undefined) return;
    this.lastDraw = t;
    // One column short of the width: a line that fills the last column would wrap on some terminals.
    const width = Math.max(20, (stream.columns ?? 80) - 1);
    let s = this.drawn > 0 ? `\x1b[${this.drawn}A` : "";
    let n = 0;
    for (const r of this.rows) {
      if (r === undefined) continue;
      s += `\r\x1b[2K${this.format(r, t, width)}\n`;
      n++;
    }
    // Rows not reported yet are drawn on a later redraw; the cursor always returns to the first row.
    this.drawn = n;
    stream.write(s);
  }
}
