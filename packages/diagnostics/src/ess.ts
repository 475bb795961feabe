// ArviZ's `ess(method=...)`: every method by name, the local, median, MAD, folded, z-scale and identity ESS
// among them, with ArviZ's exact compositions of splitting, folding and rank normalisation
// (`arviz/stats/diagnostics.py`).

import {
  essBulkSlab,
  essMean,
  essMeanSlab,
  essQuantile,
  essSd,
  essTail,
  perElement,
  zFold,
} from "./convergence.js";
import { type DrawsInput, toChainDraws } from "./draws.js";
import { DiagnosticsError } from "./errors.js";
import { essCore, hasNaN, median, quantileSortedMq, splitChains, type Workspace } from "./internal/core.js";

/** The `method` names of ArviZ's `ess`. */
export type EssMethod =
  | "bulk"
  | "tail"
  | "quantile"
  | "mean"
  | "sd"
  | "median"
  | "mad"
  | "z_scale"
  | "folded"
  | "identity"
  | "local";

/** Options of {@link ess}. */
export interface EssOptions {
  /** Default "bulk". */
  method?: EssMethod;
  /**
   * "quantile": the probability; "tail": `[low, high]` (default [0.05, 0.95]); "local": the interval's
   * `[low, high]` probabilities (required).
   */
  prob?: number | readonly [number, number];
  /** Divide by the number of draws (ArviZ's `relative`); default false. */
  relative?: boolean;
}

/** The slab function of each ESS method that has no public function of its own. */
function essSlab(
  method: "median" | "mad" | "z_scale" | "folded" | "identity" | "local",
  prob: readonly [number, number] | undefined,
): (s: Float64Array, C: number, D: number, ws: Workspace) => number {
  return (s, C, D, ws) => {
    const n = C * D;
    if (hasNaN(s, n)) return Number.NaN;
    switch (method) {
      case "identity":
        return essCore(s, C, D, ws);
      case "z_scale":
        // rank-normalised split chains: the bulk ESS
        return essBulkSlab(s, C, D, ws);
      case "folded": {
        // ArviZ folds the split chains and rank-normalises them, then takes their ESS
        const half = splitChains(s, C, D, ws.split);
        const m = 2 * C * half;
        return essCore(zFold(ws.split.slice(0, m), m, ws), 2 * C, half, ws);
      }
      case "mad": {
        // indicator |x − median| ≤ median(|x − median|) over all draws, split, rank-normalised
        const med = median(s, n, ws.sorted);
        const f = new Float64Array(n);
        for (let i = 0; i < n; i++) f[i] = Math.abs(s[i] - med);
        const fm = median(f, n, ws.sorted);
        for (let i = 0; i < n; i++) f[i] = f[i] <= fm ? 1 : 0;
        return essBulkSlab(f, C, D, ws);
      }
      default: {
        // "local"
        const [lo, hi] = prob as readonly [number, number];
        const sorted = ws.sorted.subarray(0, n);
        sorted.set(s.subarray(0, n));
        sorted.sort();
        const qlo = quantileSortedMq(sorted, n, lo);
        const qhi = quantileSortedMq(sorted, n, hi);
        const ind = new Float64Array(n);
        for (let i = 0; i < n; i++) ind[i] = qlo <= s[i] && s[i] <= qhi ? 1 : 0;
        return essMeanSlab(ind, C, D, ws);
      }
    }
  };
}

const checkProbIn = (p: number, where: string): void => {
  if (!(p >= 0 && p <= 1))
    throw new DiagnosticsError("invalid-argument", `${where}: probabilities must lie in [0, 1], got ${p}.`);
};

/**
 * Effective sample size by any of ArviZ's methods (`arviz.ess(x, method=..., prob=..., relative=...)`):
 * "bulk" (default, {@link essBulk}), "tail", "quantile", "mean", "sd", "median" (the quantile ESS at ½),
 * "mad" (of the indicator |x − m| ≤ MAD), "z_scale" (rank-normalised split chains, as bulk), "folded" (split
 * chains folded about their median, rank-normalised), "identity" (the raw chains, unsplit) and "local" (of
 * the indicator that x lies between the quantiles `prob[0]` and `prob[1]`).
 * @param x - draws `[chain, draw, ...element]`.
 * @param options - `method`, `prob` ("quantile", "tail", "local") and `relative`.
 * @returns one value per element (divided by chain·draw when `relative`); NaN when a draw is NaN.
 * @throws DiagnosticsError `invalid-argument` for an unknown method, a missing or malformed `prob`, or
 * probabilities outside [0, 1]; `too-few-draws` below 4 draws per chain; `unequal-chains` for ragged chains.
 * @example
 * ess([[1, 3, 2, 5, 4, 6], [2, 1, 4, 3, 6, 5]], { method: "local", prob: [0.25, 0.75] }).length; // → 1
 */
export function ess(x: DrawsInput, options: EssOptions = {}): Float64Array {
  const method = options.method ?? "bulk";
  const prob = options.prob;
  const where = `ess(x, { method: "${method}" })`;
  const pair = (required: boolean): readonly [number, number] | undefined => {
    if (prob === undefined && !required) return undefined;
    if (typeof prob === "number" || prob === undefined || prob.length !== 2)
      throw new DiagnosticsError(
        "invalid-argument",
        `${where}: prob must be [low, high] (two probabilities), got ${JSON.stringify(prob)}.`,
      );
    checkProbIn(prob[0], where);
    checkProbIn(prob[1], where);
    return prob;
  };
  let out: Float64Array;
  switch (method) {
    case "bulk":
      out = perElement(x, where, essBulkSlab);
      break;
    case "tail":
      out = essTail(x, pair(false));
      break;
    case "quantile":
      if (typeof prob !== "number")
        throw new DiagnosticsError(
          "invalid-argument",
          `${where}: prob must be one probability for the quantile ESS, got ${JSON.stringify(prob)}.`,
        );
      out = essQuantile(x, prob);
      break;
    case "mean":
      out = essMean(x);
      break;
    case "sd":
      out = essSd(x);
      break;
    case "median":
      out = essQuantile(x, 0.5);
      break;
    case "mad":
    case "z_scale":
    case "folded":
    case "identity":
      out = perElement(x, where, essSlab(method, undefined));
      break;
    case "local":
      out = perElement(x, where, essSlab("local", pair(true)));
      break;
    default:
      throw new DiagnosticsError(
        "invalid-argument",
        `ess(x, { method }): unknown method "${method as string}"; use one of bulk, tail, quantile, mean, sd, ` +
          "median, mad, z_scale, folded, identity, local.",
      );
  }
  if (options.relative) {
    // ESS / the number of values it was computed on, as ArviZ: 2·chains·⌊draws/2⌋ for split chains
    const { numChains: C, numDraws: D } = toChainDraws(x, where);
    const n = method === "identity" ? C * D : 2 * C * Math.floor(D / 2);
    for (let i = 0; i < out.length; i++) out[i] /= n;
  }
  return out;
}
