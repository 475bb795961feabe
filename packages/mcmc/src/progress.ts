import type { ChainProgress } from "./internal/run-chain.js";

/**
 * A per-chain progress display on a TTY (stderr): iteration, phase, iterations per second, divergences
 * so far and the kernel's diagnostics line; redrawn at most every 100 ms.
 */
export class ProgressBar {
  private readonly lines: string[];
  private readonly start: number[];
  private drawn = 0;
  private lastDraw = 0;

  constructor(private readonly numChains: number) {
    this.lines = new Array(numChains).fill("");
    this.start = new Array(numChains).fill(0);
  }

  /** Records one chain's progress and redraws if due. */
  update(p: ChainProgress): void {
    const now = Date.now();
    if (!this.start[p.chain]) this.start[p.chain] = now;
    const secs = Math.max(1e-3, (now - this.start[p.chain]) / 1000);
    const width = 20;
    const filled = Math.round((width * p.iteration) / Math.max(1, p.total));
    const bar = "█".repeat(filled) + "░".repeat(width - filled);
    this.lines[p.chain] =
      `chain ${p.chain} ${p.phase.padEnd(6)} ${bar} ${p.iteration}/${p.total} ` +
      `${(p.iteration / secs).toFixed(0)} it/s, ${p.numDivergences} divergences | ${p.diagnostics}`;
    if (now - this.lastDraw > 100 || p.iteration === p.total) this.draw(now);
  }

  /** Final redraw. */
  finish(): void {
    this.draw(Date.now());
  }

  private draw(now: number): void {
    this.lastDraw = now;
    let s = this.drawn > 0 ? `\x1b[${this.drawn}A` : "";
    for (let c = 0; c < this.numChains; c++) s += `\r\x1b[2K${this.lines[c]}\n`;
    this.drawn = this.numChains;
    process.stderr.write(s);
  }
}
