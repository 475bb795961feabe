import { ProgressDisplay, type ProgressDisplayOptions } from "@phlox/infer";
import type { ChainProgress } from "./internal/run-chain.js";

/**
 * The MCMC progress display: one row per chain (phase, bar, `done/total`, elapsed<ETA, rate once measured,
 * divergences so far and the kernel's diagnostics line), redrawn in place and cut to the terminal's width
 * on a TTY, plain lines otherwise. Built on {@link ProgressDisplay}; no Node-only API.
 */
export class ProgressBar {
  private readonly display: ProgressDisplay;

  /**
   * @param numChains - number of chains (rows).
   * @param options - stream and clock (default `process.stderr` and `Date.now`).
   */
  constructor(numChains: number, options: ProgressDisplayOptions = {}) {
    this.display = new ProgressDisplay(numChains, options);
  }

  /** Records one chain's progress and redraws if due. */
  update(p: ChainProgress): void {
    this.display.update(p.chain, {
      done: p.iteration,
      total: p.total,
      label: `chain ${p.chain} ${p.phase.padEnd(6)}`,
      suffix: `${p.numDivergences} divergences${p.diagnostics ? ` | ${p.diagnostics}` : ""}`,
    });
  }

  /** Final redraw. */
  finish(): void {
    this.display.finish();
  }
}
