// Pareto-smoothed importance sampling (Vehtari, Simpson, Gelman, Yao, Gabry 2024): fit a generalized
// Pareto distribution to the largest M = ⌈min(S/5, 3√(S/r_eff))⌉ importance ratios (Zhang & Stephens
// 2009 profile-likelihood estimate with the weakly informative prior on k) and replace them by the
// expected order statistics. Follows ArviZ `psislw`/`_gpdfit` and the R package loo 2.5 `psis`.

import { type DrawsInput, toFlat } from "./draws.js";
import { DiagnosticsError } from "./errors.js";
import { pyMin } from "./internal/core.js";
import { logSumExp } from "./internal/special.js";

/** Which implementation's conventions to reproduce. */
export type Convention = "arviz" | "loo";

/**
 * mean_i log(1 + c·x_i) over x[0..n): one log per eight terms (the log of their product) instead of one
 * log1p per term, the profile likelihood's hot loop. Where every |c·x_i| < 1/64 (x ascending, so |c|·x[n−1]
 * bounds them) the mean is small and log1p keeps its relative accuracy; a block whose product leaves the safe
 * range falls back to log1p per term. Otherwise the result agrees with the per-term sum to ~1e-15 relative.
 */
function meanLog1p(x: Float64Array, n: number, c: number): number {
  let s = 0;
  let i = 0;
  if (Math.abs(c) * x[n - 1] < 1 / 64) {
    for (; i < n; i++) s += Math.log1p(c * x[i]);
    return s / n;
  }
  for (; i + 8 <= n; i += 8) {
    const p =
      (1 + c * x[i]) *
      (1 + c * x[i + 1]) *
      (1 + c * x[i + 2]) *
      (1 + c * x[i + 3]) *
      (1 + c * x[i + 4]) *
      (1 + c * x[i + 5]) *
      (1 + c * x[i + 6]) *
      (1 + c * x[i + 7]);
    if (p > 1e-200 && p < 1e200) s += Math.log(p);
    else for (let j = i; j < i + 8; j++) s += Math.log1p(c * x[j]);
  }
  for (; i < n; i++) s += Math.log1p(c * x[i]);
  return s / n;
}

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
    const k = meanLog1p(x, n, -b[j]);
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
  let kPost = meanLog1p(x, n, -bPost);
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
  const k = psisTail(lw, off, S, reff, convention, order, tail, hasNaN);
  if (normalize) {
    const lse = logSumExp(lw, off, S);
    for (let i = 0; i < S; i++) lw[off + i] -= lse;
  } else {
    for (let i = 0; i < S; i++) lw[off + i] += max;
  }
  return k;
}

/**
 * The smoothing step of {@link psisSmooth} on ratios already shifted so that their maximum is 0 (`hasNaN`:
 * some ratio is NaN): replaces the tail in place, truncates at 0 and returns the Pareto k. Leaves the
 * normalisation to the caller (`loo` folds it into its own pass over the weights).
 */
export function psisTail(
  lw: Float64Array,
  off: number,
  S: number,
  reff: number,
  convention: Convention,
  order: Uint32Array,
  tail: Float64Array,
  hasNaN: boolean,
  span?: { from: number; to: number },
): number {
  if (span) span.from = span.to = 0;
  // Python's min, as ArviZ: a NaN r_eff (the ESS of posterior draws holding NaN) gives the tail ⌈S/5⌉.
  const M = Math.ceil(pyMin(S / 5, 3 * Math.sqrt(S / reff)));
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
    const cut = largestKth(lw, off, S, S - cutIdx, tail);
    let below = 0;
    let n = 0;
    for (let i = 0; i < S; i++) {
      const v = lw[off + i];
      if (v < cut) below++;
      else order[n++] = i;
    }
    ord = order.subarray(0, n);
    sortCandidates(ord, n, lw, off);
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
        if (span) {
          span.from = start - base;
          span.to = S - base;
        }
        for (let i = 0; i < len; i++) {
          const q = gpinv((i + 0.5) / len, k, sigma);
          lw[off + at(start + i)] = Math.log(q + expCut);
        }
        for (let i = start; i < S; i++) if (lw[off + at(i)] > 0) lw[off + at(i)] = 0;
      }
    }
  }
  return k;
}

const SAMPLE = 128;
const sample = new Float64Array(SAMPLE);

/**
 * The r-th largest (1-based) of lw[off..off+S) (no NaN), using `buf` (length ≥ S) as scratch. A strided
 * sample of 128 values gives a threshold a little below the expected r-th largest; the values at or above
 * it (a few more than r) hold the answer and are selected among themselves. Falls back to a selection over
 * all S values when the threshold was too high. Exact either way: every value ≥ the answer is a candidate.
 */
export function largestKth(lw: Float64Array, off: number, S: number, r: number, buf: Float64Array): number {
  if (S >= 8 * SAMPLE && r * 4 < S) {
    const step = Math.floor(S / SAMPLE);
    for (let j = 0; j < SAMPLE; j++) sample[j] = lw[off + j * step];
    sample.sort();
    const expected = (r / S) * SAMPLE;
    const j = Math.floor(SAMPLE - expected - 3 * Math.sqrt(expected) - 4);
    if (j > 0) {
      const p0 = sample[j];
      let n = 0;
      for (let i = 0; i < S; i++) {
        const v = lw[off + i];
        if (v >= p0) buf[n++] = v;
      }
      if (n >= r) return selectKth(buf, n, n - r);
    }
  }
  for (let i = 0; i < S; i++) buf[i] = lw[off + i];
  return selectKth(buf, S, S - r);
}

let sortVal = new Float64Array(0);
let sortIdx = new Uint32Array(0);
let sortVal2 = new Float64Array(0);
let sortIdx2 = new Uint32Array(0);

/**
 * Sorts the n draw indices in `idx` by their ratio `lw[off + i]` (no NaN), ties in index order: the order a
 * stable full sort gives (the candidates arrive in index order). A merge sort on (value, index) pairs with
 * inline comparisons (insertion-sorted runs of 16), in place of `Array.prototype.sort` with a comparator.
 */
export function sortCandidates(idx: Uint32Array, n: number, lw: Float64Array, off: number): void {
  if (sortVal.length < n) {
    sortVal = new Float64Array(n);
    sortIdx = new Uint32Array(n);
    sortVal2 = new Float64Array(n);
    sortIdx2 = new Uint32Array(n);
  }
  let v = sortVal;
  let x = sortIdx;
  let v2 = sortVal2;
  let x2 = sortIdx2;
  for (let j = 0; j < n; j++) {
    x[j] = idx[j];
    v[j] = lw[off + idx[j]];
  }
  const RUN = 16;
  for (let r = 0; r < n; r += RUN) {
    const end = Math.min(n, r + RUN);
    for (let j = r + 1; j < end; j++) {
      const vj = v[j];
      const xj = x[j];
      let q = j - 1;
      while (q >= r && v[q] > vj) {
        v[q + 1] = v[q];
        x[q + 1] = x[q];
        q--;
      }
      v[q + 1] = vj;
      x[q + 1] = xj;
    }
  }
  for (let w = RUN; w < n; w *= 2) {
    for (let lo = 0; lo < n; lo += 2 * w) {
      const mid = Math.min(n, lo + w);
      const hi = Math.min(n, lo + 2 * w);
      let a = lo;
      let b = mid;
      let o = lo;
      while (a < mid && b < hi) {
        if (v[b] < v[a]) {
          v2[o] = v[b];
          x2[o++] = x[b++];
        } else {
          v2[o] = v[a];
          x2[o++] = x[a++];
        }
      }
      while (a < mid) {
        v2[o] = v[a];
        x2[o++] = x[a++];
      }
      while (b < hi) {
        v2[o] = v[b];
        x2[o++] = x[b++];
      }
    }
    [v, v2] = [v2, v];
    [x, x2] = [x2, x];
  }
  for (let j = 0; j < n; j++) idx[j] = x[j];
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

/**
 * Throws unless every r_eff is positive (∞ allowed: a tail of no draws). ArviZ raises at 0 and below; NaN,
 * which ArviZ would silently read as "tail of ⌈S/5⌉ draws", is rejected here when the caller gave it.
 */
export function checkReff(reff: ArrayLike<number>, where: string): void {
  for (let i = 0; i < reff.length; i++) {
    if (!(reff[i] > 0)) {
      const which = reff.length > 1 ? `r_eff[${i}] = ` : "";
      throw new DiagnosticsError(
        "invalid-argument",
        `${where}: r_eff must be positive, got ${which}${reff[i]}. Pass the relative efficiency ESS/S (about 1 for ` +
          'well-mixed chains), or leave reff out for the default ("per-observation" or from the posterior).',
      );
    }
  }
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
 * @throws DiagnosticsError for an empty input, an r_eff count that does not match, or an r_eff that is not
 * positive (`invalid-argument`).
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
  checkReff(typeof reff === "number" ? [reff] : reff, "psislw(logRatios, { reff })");
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
