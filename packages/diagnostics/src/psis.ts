// Pareto-smoothed importance sampling (Vehtari, Simpson, Gelman, Yao, Gabry 2024): fit a generalized
// Pareto distribution to the largest M = ⌈min(S/5, 3√(S/r_eff))⌉ importance ratios (Zhang & Stephens
// 2009 profile-likelihood estimate with the weakly informative prior on k) and replace them by the
// expected order statistics. Follows ArviZ `psislw`/`_gpdfit` and the R package loo 2.5 `psis`.

import { type DrawsInput, toFlat } from "./draws.js";
import { DiagnosticsError } from "./errors.js";
import { logSumExp } from "./internal/special.js";

/** Which implementation's conventions to reproduce. */
export type Convention = "arviz" | "loo";

/** Generalized Pareto fit of sorted positive exceedances x[0..n): returns [k, sigma]. */
export function gpdfit(x: Float64Array, n: number, convention: Convention = "arviz"): [number, number] {
  const priorBs = 3;
  const priorK = 10;
  const m = 30 + Math.floor(Math.sqrt(n));
  const b = new Float64Array(m);
  const l = new Float64Array(m);
  const xstar = x[Math.floor(n / 4 + 0.5) - 1];
  const xmax = x[n - 1];
  for (let j = 0; j < m; j++) {
    b[j] = (1 - Math.sqrt(m / (j + 1 - 0.5))) / (priorBs * xstar) + 1 / xmax;
    let k = 0;
    for (let i = 0; i < n; i++) k += Math.log1p(-b[j] * x[i]);
    k /= n;
    l[j] = n * (Math.log(-(b[j] / k)) - k - 1);
  }
  const w = new Float64Array(m);
  let lmax = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < m; j++) if (l[j] > lmax) lmax = l[j];
  let total = 0;
  for (let j = 0; j < m; j++) {
    w[j] = Math.exp(l[j] - lmax);
    total += w[j];
  }
  for (let j = 0; j < m; j++) w[j] /= total;
  if (convention === "arviz") {
    // ArviZ drops grid points with negligible weight, then renormalises.
    let t2 = 0;
    for (let j = 0; j < m; j++) {
      if (!(w[j] >= 10 * Number.EPSILON)) w[j] = 0;
      t2 += w[j];
    }
    for (let j = 0; j < m; j++) w[j] /= t2;
  }
  let bPost = 0;
  for (let j = 0; j < m; j++) if (w[j] > 0) bPost += b[j] * w[j];
  let kPost = 0;
  for (let i = 0; i < n; i++) kPost += Math.log1p(-bPost * x[i]);
  kPost /= n;
  const sigma = -kPost / bPost;
  kPost = (n * kPost + priorK * 0.5) / (n + priorK);
  if (Number.isNaN(kPost)) kPost = Number.POSITIVE_INFINITY;
  return [kPost, sigma];
}

/** Generalized Pareto quantile function at p ∈ (0, 1). */
function gpinv(p: number, k: number, sigma: number): number {
  if (!(sigma > 0)) return Number.NaN;
  if (Math.abs(k) < Number.EPSILON) return -Math.log1p(-p) * sigma;
  return (Math.expm1(-k * Math.log1p(-p)) / k) * sigma;
}

/**
 * Smooths one vector of S log importance ratios in place (`lw[off..off+S)`); returns the Pareto k.
 * With `normalize` the result is normalised to log Σ exp = 0; otherwise shifted back to the input level.
 */
export function psisSmooth(
  lw: Float64Array,
  off: number,
  S: number,
  reff: number,
  normalize: boolean,
  convention: Convention,
  order: Uint32Array,
  tail: Float64Array,
): number {
  let max = Number.NEGATIVE_INFINITY;
  let hasNaN = false;
  for (let i = 0; i < S; i++) {
    const v = lw[off + i];
    if (v > max) max = v;
    else if (Number.isNaN(v)) hasNaN = true;
  }
  for (let i = 0; i < S; i++) lw[off + i] -= max;
  const M = Math.ceil(Math.min(S / 5, 3 * Math.sqrt(S / reff)));
  let k = Number.POSITIVE_INFINITY;
  const cutIdx = S - M - 1;
  // Only the order of the draws from position cutIdx on matters: select the cutIdx-th smallest value in
  // O(S), then sort the ≤ M + ties candidates at or above it (ties by index, as the stable full sort).
  let ord: Uint32Array;
  let base: number; // position in the full ascending order of ord[0]
  if (hasNaN || cutIdx < 0) {
    for (let i = 0; i < S; i++) order[i] = i;
    ord = order.subarray(0, S);
    ord.sort((a, b) => lw[off + a] - lw[off + b]);
    base = 0;
  } else {
    for (let i = 0; i < S; i++) tail[i] = lw[off + i];
    const cut = selectKth(tail, S, cutIdx);
    let below = 0;
    let n = 0;
    for (let i = 0; i < S; i++) {
      const v = lw[off + i];
      if (v < cut) below++;
      else order[n++] = i;
    }
    ord = order.subarray(0, n);
    ord.sort((a, b) => lw[off + a] - lw[off + b] || a - b);
    base = below;
  }
  const at = (pos: number): number => ord[pos - base];
  if (cutIdx >= 0) {
    let cutoff = lw[off + at(cutIdx)];
    if (convention === "arviz") cutoff = Math.max(cutoff, Math.log(2.2250738585072014e-308));
    // Tail: ArviZ takes the values above the cutoff; loo takes the M largest in sort order.
    let start = cutIdx + 1;
    if (convention === "arviz") while (start < S && lw[off + at(start)] <= cutoff) start++;
    const len = S - start;
    const expCut = Math.exp(cutoff);
    let degenerate = false;
    if (convention === "loo" && len > 0) {
      const span = Math.abs(lw[off + at(S - 1)] - lw[off + at(start)]);
      degenerate = span < Number.EPSILON / 100;
    }
    if (len > 4 && !degenerate) {
      for (let i = 0; i < len; i++) tail[i] = Math.exp(lw[off + at(start + i)]) - expCut;
      const [kk, sigma] = gpdfit(tail, len, convention);
      k = kk;
      if (Number.isFinite(k)) {
        for (let i = 0; i < len; i++) {
          const q = gpinv((i + 0.5) / len, k, sigma);
          lw[off + at(start + i)] = Math.log(q + expCut);
        }
        for (let i = 0; i < S; i++) if (lw[off + i] > 0) lw[off + i] = 0;
      }
    }
  }
  if (normalize) {
    const lse = logSumExp(lw, off, S);
    for (let i = 0; i < S; i++) lw[off + i] -= lse;
  } else {
    for (let i = 0; i < S; i++) lw[off + i] += max;
  }
  return k;
}

/**
 * The k-th smallest (0-based) of a[0..n) (no NaN), by Hoare partitioning around median-of-three pivots;
 * reorders `a`.
 */
export function selectKth(a: Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    // median of three as the pivot
    let x = a[lo];
    let y = a[mid];
    let z = a[hi];
    if (x > y) [x, y] = [y, x];
    if (y > z) [y, z] = [z, y];
    if (x > y) [x, y] = [y, x];
    const pivot = y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}

/** Result of {@link psislw}. */
export interface PsisResult {
  /** Smoothed log weights, same layout as the input (`[..., S]`, samples last). */
  logWeights: Float64Array;
  /** Pareto shape k per vector (shape = input shape without the last axis). */
  paretoK: Float64Array;
}

/**
 * Pareto-smoothed importance sampling of log importance ratios (ArviZ `psislw`): smooths the largest
 * ⌈min(S/5, 3√(S/r_eff))⌉ ratios of each vector and truncates at the largest raw ratio.
 * @param logRatios - `{ data, shape: [..., S] }` (samples on the LAST axis, like ArviZ) or a 1-D array.
 * @param options - `reff` (default 1; a number or one per vector), `normalize` (default true: each
 * vector's weights sum to 1 on the exp scale), `convention` ("arviz" default, or "loo" for the R package).
 * @returns `{ logWeights, paretoK }`; k = Infinity when the tail has 4 or fewer draws.
 * @throws DiagnosticsError for an empty input or an r_eff count that does not match.
 * @example
 * psislw(Float64Array.from({ length: 100 }, (_, i) => Math.sin(i))).paretoK.length; // → 1
 */
export function psislw(
  logRatios: DrawsInput | Float64Array | Float32Array,
  options: { reff?: number | ArrayLike<number>; normalize?: boolean; convention?: Convention } = {},
): PsisResult {
  const input =
    logRatios instanceof Float64Array || logRatios instanceof Float32Array
      ? { data: logRatios, shape: [logRatios.length] }
      : logRatios;
  const { data, shape } = toFlat(input, "psislw(logRatios)");
  if (shape.length === 0 || shape[shape.length - 1] === 0) {
    throw new DiagnosticsError(
      "invalid-input",
      "psislw(logRatios): needs at least one sample on the last axis.",
    );
  }
  const S = shape[shape.length - 1];
  const count = data.length / S;
  const reff = options.reff ?? 1;
  if (typeof reff !== "number" && reff.length !== count) {
    throw new DiagnosticsError(
      "shape-mismatch",
      `psislw(logRatios, { reff }): ${reff.length} r_eff values for ${count} vectors; pass one per vector or a number.`,
    );
  }
  const lw = Float64Array.from(data);
  const k = new Float64Array(count);
  const order = new Uint32Array(S);
  const tail = new Float64Array(S);
  for (let v = 0; v < count; v++) {
    const r = typeof reff === "number" ? reff : reff[v];
    k[v] = psisSmooth(lw, v * S, S, r, options.normalize ?? true, options.convention ?? "arviz", order, tail);
  }
  return { logWeights: lw, paretoK: k };
}
