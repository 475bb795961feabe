import { BLOCK, type ChainDraws, type DrawsInput, gatherBlock, toChainDraws } from "./draws.js";
import { DiagnosticsError } from "./errors.js";
import {
  essCore,
  essQuantileCore,
  hasNaN,
  mcseQuantileCore,
  mcseSdCore,
  meanSd,
  median,
  pyMax,
  pyMin,
  rhatCore,
  splitChains,
  type Workspace,
  workspace,
  zScale,
} from "./internal/core.js";
import { pivotOf } from "./internal/pivot.js";

/** Runs `fn` on each element's [chain, draw] slab; returns one value per element. */
export function perElement(
  x: DrawsInput,
  where: string,
  fn: (slab: Float64Array, C: number, D: number, ws: Workspace) => number,
): Float64Array {
  const cd: ChainDraws = toChainDraws(x, where);
  const n = cd.numChains * cd.numDraws;
  const out = new Float64Array(cd.numElements);
  const block = new Float64Array(Math.min(BLOCK, cd.numElements) * n);
  const ws = workspace(n, cd.numChains);
  for (let e = 0; e < cd.numElements; e++) {
    const k = e % BLOCK;
    if (k === 0) gatherBlock(cd, e, Math.min(BLOCK, cd.numElements - e), block);
    out[e] = fn(block.subarray(k * n, (k + 1) * n), cd.numChains, cd.numDraws, ws);
  }
  return out;
}

function checkProb(prob: number, where: string): void {
  if (!(prob >= 0 && prob <= 1)) {
    throw new DiagnosticsError("invalid-argument", `${where}: prob must lie in [0, 1], got ${prob}.`);
  }
}

/** Rank-normalised split R̂ of one slab, with the tail R̂ from folding around `center`. */
export function rankRhatSlab(
  x: Float64Array,
  C: number,
  D: number,
  ws: Workspace,
  foldAfterSplit: boolean,
): number {
  if (C < 2) return Number.NaN;
  const n = C * D;
  for (let i = 0; i < n; i++) if (Number.isNaN(x[i])) return Number.NaN;
  const half = D >> 1;
  const m = 2 * C * half;
  const split = ws.split;
  splitChains(x, C, D, split);
  const z = ws.z;
  zScale(split, m, z, ws.sorted);
  const bulk = rhatCore(z, 2 * C, half, ws);
  const folded = new Float64Array(m);
  if (foldAfterSplit) {
    const med = median(split, m, ws.sorted);
    for (let i = 0; i < m; i++) folded[i] = Math.abs(split[i] - med);
  } else {
    const med = median(x, n, ws.sorted);
    const f = new Float64Array(n);
    for (let i = 0; i < n; i++) f[i] = Math.abs(x[i] - med);
    splitChains(f, C, D, folded);
  }
  zScale(folded, m, z, ws.sorted);
  const tail = rhatCore(z, 2 * C, half, ws);
  return pyMax(bulk, tail);
}

/** Bulk ESS of one slab: ESS of the rank-normalised split chains. */
export function essBulkSlab(x: Float64Array, C: number, D: number, ws: Workspace): number {
  const n = C * D;
  for (let i = 0; i < n; i++) if (Number.isNaN(x[i])) return Number.NaN;
  const half = splitChains(x, C, D, ws.split);
  const m = 2 * C * half;
  const z = new Float64Array(m);
  zScale(ws.split, m, z, ws.sorted);
  return essCore(z, 2 * C, half, ws);
}

/** |v − median(v)| of n values, rank-normalised (ArviZ `_z_fold`), in a new array. */
export function zFold(v: Float64Array, n: number, ws: Workspace): Float64Array {
  const med = median(v, n, ws.sorted);
  const f = new Float64Array(n);
  for (let i = 0; i < n; i++) f[i] = Math.abs(v[i] - med);
  const z = new Float64Array(n);
  zScale(f, n, z, ws.sorted);
  return z;
}

/** The `method` names of ArviZ's `rhat`. */
export type RhatMethod = "rank" | "split" | "folded" | "z_scale" | "identity";

/**
 * Rank-normalised split R̂ (Vehtari et al. 2021): the larger of the bulk R̂ (split chains, rank
 * normalised) and the tail R̂ (split chains folded around their median, then rank normalised).
 * Same as `arviz.rhat(method="rank")` and posterior's `rhat`. ArviZ's other methods by `method`: "split"
 * (the classic R̂ of split chains), "folded" (split chains folded about their median, rank-normalised),
 * "z_scale" (rank-normalised split chains) and "identity" (the classic R̂ of the raw chains).
 * @param x - draws of shape `[chain, draw, ...element]` (or nested arrays).
 * @param options - `method`, default "rank".
 * @returns one R̂ per element (length = product of the element shape; 1 for a scalar). NaN with
 * fewer than 2 chains, for constant draws, or when a draw is NaN (as ArviZ).
 * @throws DiagnosticsError `too-few-draws` below 4 draws per chain; `unequal-chains` for ragged chains;
 * `invalid-argument` for an unknown method.
 * @example
 * rhat({ data: Float64Array.from({ length: 40 }, (_, i) => Math.sin(i * 7.3)), shape: [2, 20] }).length; // → 1
 * rhat([[1, 3, 2, 5, 4, 6], [2, 1, 4, 3, 6, 5]], { method: "folded" }).length; // → 1
 */
export function rhat(x: DrawsInput, options: { method?: RhatMethod } = {}): Float64Array {
  const method = options.method ?? "rank";
  if (!["rank", "split", "folded", "z_scale", "identity"].includes(method))
    throw new DiagnosticsError(
      "invalid-argument",
      `rhat(x, { method }): unknown method "${method}"; use one of rank, split, folded, z_scale, identity.`,
    );
  if (method === "rank") return perElement(x, "rhat(x)", (s, C, D, ws) => rankRhatSlab(s, C, D, ws, true));
  return perElement(x, `rhat(x, { method: "${method}" })`, (s, C, D, ws) => {
    const n = C * D;
    if (C < 2) return Number.NaN;
    if (hasNaN(s, n)) return Number.NaN;
    if (method === "identity") return rhatCore(s, C, D, ws);
    const half = splitChains(s, C, D, ws.split);
    const m = 2 * C * half;
    const split = ws.split.slice(0, m);
    if (method === "split") return rhatCore(split, 2 * C, half, ws);
    if (method === "folded") return rhatCore(zFold(split, m, ws), 2 * C, half, ws);
    const z = new Float64Array(m);
    zScale(split, m, z, ws.sorted);
    return rhatCore(z, 2 * C, half, ws);
  });
}

/**
 * Bulk effective sample size: ESS of the rank-normalised split chains (`arviz.ess(method="bulk")`).
 * @param x - draws `[chain, draw, ...element]`.
 * @returns one value per element; `chain·draw` for constant draws, NaN if any draw is NaN.
 * @throws DiagnosticsError for fewer than 4 draws or ragged chains.
 * @example
 * essBulk([[1, 3, 2, 5, 4, 6], [2, 1, 4, 3, 6, 5]]).length; // → 1
 */
export function essBulk(x: DrawsInput): Float64Array {
  return perElement(x, "essBulk(x)", essBulkSlab);
}

/**
 * ESS of the indicator `x ≤ quantile(x, prob)` on split chains (`arviz.ess(method="quantile")`).
 * @param x - draws `[chain, draw, ...element]`.
 * @param prob - the quantile's probability in [0, 1].
 * @returns one value per element.
 * @throws DiagnosticsError for a prob outside [0, 1], fewer than 4 draws or ragged chains.
 * @example
 * essQuantile([[1, 3, 2, 5, 4, 6], [2, 1, 4, 3, 6, 5]], 0.5).length; // → 1
 */
export function essQuantile(x: DrawsInput, prob: number): Float64Array {
  checkProb(prob, "essQuantile(x, prob)");
  return perElement(x, "essQuantile(x, prob)", (s, C, D, ws) => essQuantileCore(s, C, D, prob, ws));
}

/**
 * Tail ESS: the smaller of the 5% and 95% quantile ESS (`arviz.ess(method="tail")`).
 * @param x - draws `[chain, draw, ...element]`.
 * @param prob - `[low, high]` quantile probabilities, default `[0.05, 0.95]`.
 * @returns one value per element.
 * @throws DiagnosticsError for fewer than 4 draws or ragged chains.
 * @example
 * essTail([[1, 3, 2, 5, 4, 6], [2, 1, 4, 3, 6, 5]]).length; // → 1
 */
export function essTail(x: DrawsInput, prob: readonly [number, number] = [0.05, 0.95]): Float64Array {
  checkProb(prob[0], "essTail(x, prob)");
  checkProb(prob[1], "essTail(x, prob)");
  return perElement(x, "essTail(x)", (s, C, D, ws) =>
    pyMin(essQuantileCore(s, C, D, prob[0], ws), essQuantileCore(s, C, D, prob[1], ws)),
  );
}

/**
 * ESS for the mean: classic split-chain ESS on the raw draws (`arviz.ess(method="mean")`).
 * @param x - draws `[chain, draw, ...element]`.
 * @returns one value per element.
 * @throws DiagnosticsError for fewer than 4 draws or ragged chains.
 * @example
 * essMean([[1, 3, 2, 5, 4, 6], [2, 1, 4, 3, 6, 5]]).length; // → 1
 */
export function essMean(x: DrawsInput): Float64Array {
  return perElement(x, "essMean(x)", essMeanSlab);
}

/** ESS of the split chains of one slab, not rank-normalised (the ESS for the mean). */
export function essMeanSlab(s: Float64Array, C: number, D: number, ws: Workspace): number {
  const half = splitChains(s, C, D, ws.split);
  return essCore(ws.split, 2 * C, half, ws);
}

/**
 * ESS for the standard deviation: split-chain ESS of (x − x̄)² (`arviz.ess(method="sd")`; posterior
 * 1.4 uses |x − x̄| instead).
 * @param x - draws `[chain, draw, ...element]`.
 * @returns one value per element.
 * @throws DiagnosticsError for fewer than 4 draws or ragged chains.
 * @example
 * essSd([[1, 3, 2, 5, 4, 6], [2, 1, 4, 3, 6, 5]]).length; // → 1
 */
export function essSd(x: DrawsInput): Float64Array {
  return perElement(x, "essSd(x)", (s, C, D, ws) => {
    const n = C * D;
    const p = pivotOf(s);
    let m = 0;
    for (let i = 0; i < n; i++) m += s[i] - p;
    m /= n;
    const sq = new Float64Array(n);
    for (let i = 0; i < n; i++) sq[i] = (s[i] - p - m) ** 2;
    const half = splitChains(sq, C, D, ws.split);
    return essCore(ws.split, 2 * C, half, ws);
  });
}

/** MCSE of the mean of one slab: sd / √essMean. */
export function mcseMeanSlab(s: Float64Array, C: number, D: number, ws: Workspace): number {
  const n = C * D;
  const [, sd] = meanSd(s, n);
  return sd / Math.sqrt(essMeanSlab(s, C, D, ws));
}

/**
 * Monte Carlo standard error of the mean: sd / √essMean (`arviz.mcse(method="mean")`).
 * @param x - draws `[chain, draw, ...element]`.
 * @returns one value per element.
 * @throws DiagnosticsError for fewer than 4 draws or ragged chains.
 * @example
 * mcseMean([[1, 3, 2, 5, 4, 6], [2, 1, 4, 3, 6, 5]]).length; // → 1
 */
export function mcseMean(x: DrawsInput): Float64Array {
  return perElement(x, "mcseMean(x)", mcseMeanSlab);
}

/**
 * Monte Carlo standard error of the sd, by the Kenney–Keeping variance of the variance with the ESS of
 * (x − x̄)² (`arviz.mcse(method="sd")`, posterior 1.4 `mcse_sd`).
 * @param x - draws `[chain, draw, ...element]`.
 * @returns one value per element.
 * @throws DiagnosticsError for fewer than 4 draws or ragged chains.
 * @example
 * mcseSd([[1, 3, 2, 5, 4, 6], [2, 1, 4, 3, 6, 5]]).length; // → 1
 */
export function mcseSd(x: DrawsInput): Float64Array {
  return perElement(x, "mcseSd(x)", mcseSdCore);
}

/**
 * Monte Carlo standard error of a quantile: half the width of the ±1σ interval of the order statistic,
 * from Beta(ess·p + 1, ess·(1 − p) + 1) (`arviz.mcse(method="quantile")`, posterior `mcse_quantile`).
 * @param x - draws `[chain, draw, ...element]`.
 * @param prob - the quantile's probability (0.5 gives the MCSE of the median).
 * @returns one value per element.
 * @throws DiagnosticsError for a prob outside [0, 1], fewer than 4 draws or ragged chains.
 * @example
 * mcseQuantile([[1, 3, 2, 5, 4, 6], [2, 1, 4, 3, 6, 5]], 0.5).length; // → 1
 */
export function mcseQuantile(x: DrawsInput, prob: number): Float64Array {
  checkProb(prob, "mcseQuantile(x, prob)");
  return perElement(x, "mcseQuantile(x, prob)", (s, C, D, ws) => mcseQuantileCore(s, C, D, prob, ws));
}
