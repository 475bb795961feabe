/**
 * The end-of-run checks Stan users expect, computed from each chain's {@link ChainStats}: divergences
 * (NaN/∞ energies included), chains stuck in divergences (a NaN gradient mid-run), tree-depth saturation,
 * low E-BFMI and a collapsed step size.
 */
import type { ChainStats } from "./run-chain.js";

/** One warning of a run: a stable `code`, the text, and the chains concerned. */
export interface RunWarning {
  /**
   * `"mcmc-divergences"`, `"mcmc-stuck-chain"`, `"mcmc-max-tree-depth"`, `"mcmc-low-bfmi"` or
   * `"mcmc-step-size-collapse"`.
   */
  code: string;
  message: string;
  /** Indices of the chains the warning is about. */
  chains: number[];
}

/** E-BFMI below this is flagged (Stan's and ArviZ's threshold). */
export const BFMI_THRESHOLD = 0.3;
/** An adapted step size below this is flagged as collapsed. */
export const STEP_SIZE_FLOOR = 1e-6;
/** A chain whose last this-many transitions (or all, if fewer) all diverged is flagged as stuck. */
export const STUCK_RUN = 50;

/**
 * E-BFMI of one chain as ArviZ's `bfmi`: mean((E_n − E_{n−1})²) / var(E) (population variance); NaN with
 * fewer than 3 finite energies.
 */
export function energyBfmi(s: ChainStats): number {
  const n = s.energyCount;
  if (n < 3 || !(s.energyM2 > 0)) return Number.NaN;
  return s.energyDiffSq / (n - 1) / (s.energyM2 / n);
}

const pct = (a: number, b: number) => `${((100 * a) / Math.max(1, b)).toFixed(1)}%`;

/**
 * The warnings of one run from each chain's statistics (`undefined` for a chain that failed).
 * @param stats - per chain, in chain order.
 * @param divergences - post-warmup divergent transitions per chain.
 * @param maxTreeDepth - the kernel's tree-depth cap (undefined: not a tree-building kernel).
 */
export function runWarnings(
  stats: readonly (ChainStats | undefined)[],
  divergences: readonly (number | undefined)[],
  maxTreeDepth: number | undefined,
): RunWarning[] {
  const out: RunWarning[] = [];
  const live = stats.flatMap((s, c) =>
    s && s.numTransitions > 0 ? [{ s, c, div: divergences[c] ?? 0 }] : [],
  );
  const total = live.reduce((a, x) => a + x.s.numTransitions, 0);
  const div = live.filter((x) => x.div > 0);
  if (div.length > 0) {
    const n = div.reduce((a, x) => a + x.div, 0);
    const nonFinite = live.reduce((a, x) => a + x.s.numNonFiniteEnergy, 0);
    out.push({
      code: "mcmc-divergences",
      message:
        `There were ${n} divergent transitions after warmup (${pct(n, total)}; ` +
        div.map((x) => `chain ${x.c}: ${x.div}`).join(", ") +
        ")" +
        (nonFinite > 0 ? `, ${nonFinite} of them with a NaN or infinite energy` : "") +
        ". The draws may be biased: raise targetAcceptProb (e.g. 0.95) or reparameterise the model.",
      chains: div.map((x) => x.c),
    });
  }
  const stuck = live.filter((x) => x.s.trailingDivergences >= Math.min(STUCK_RUN, x.s.numTransitions));
  if (stuck.length > 0) {
    out.push({
      code: "mcmc-stuck-chain",
      message:
        `Chain${stuck.length > 1 ? "s" : ""} ${stuck.map((x) => x.c).join(", ")} ended with ` +
        `${stuck.map((x) => x.s.trailingDivergences).join(", ")} divergent transitions in a row: ` +
        "the chain is stuck (often a NaN or infinite potential or gradient near its position). Its draws are not usable; " +
        "check the model's log density at the last draws (mcmc.lastState).",
      chains: stuck.map((x) => x.c),
    });
  }
  if (maxTreeDepth !== undefined) {
    const sat = live.filter((x) => x.s.numSaturated > 0);
    if (sat.length > 0) {
      const n = sat.reduce((a, x) => a + x.s.numSaturated, 0);
      out.push({
        code: "mcmc-max-tree-depth",
        message:
          `${n} transitions after warmup (${pct(n, total)}) hit the maximum tree depth ${maxTreeDepth} ` +
          `(${sat.map((x) => `chain ${x.c}: ${x.s.numSaturated}`).join(", ")}): the sampler is inefficient and ` +
          "may not have explored the posterior. Raise maxTreeDepth or reparameterise.",
        chains: sat.map((x) => x.c),
      });
    }
  }
  const low = live
    .map((x) => ({ ...x, bfmi: energyBfmi(x.s) }))
    .filter((x) => Number.isFinite(x.bfmi) && x.bfmi < BFMI_THRESHOLD);
  if (low.length > 0) {
    out.push({
      code: "mcmc-low-bfmi",
      message:
        `E-BFMI below ${BFMI_THRESHOLD} in ${low.map((x) => `chain ${x.c} (${x.bfmi.toFixed(3)})`).join(", ")}: ` +
        "the momentum resampling explores the energy poorly (heavy tails or funnels); reparameterise the model.",
      chains: low.map((x) => x.c),
    });
  }
  const tiny = live.filter((x) => x.s.stepSize < STEP_SIZE_FLOOR || x.s.stepSize === 0);
  if (tiny.length > 0) {
    out.push({
      code: "mcmc-step-size-collapse",
      message:
        `The adapted step size collapsed in ${tiny.map((x) => `chain ${x.c} (${x.s.stepSize.toExponential(2)})`).join(", ")}: ` +
        "warmup met NaN/∞ energies or extreme curvature. The chain barely moves; check the model for " +
        "non-finite log densities, or reparameterise.",
      chains: tiny.map((x) => x.c),
    });
  }
  return out;
}
