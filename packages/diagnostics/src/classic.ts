// NumPyro's classic diagnostics (`numpyro/diagnostics.py`): FFT autocorrelation, Gelman–Rubin R̂ on
// whole or split chains, the effective sample size with Geyer's initial monotone sequence over all lags,
// and the highest posterior density interval.

import { perElement } from "./convergence.js";
import { type DrawsInput, type NumericArray, toFlat } from "./draws.js";
import { DiagnosticsError } from "./errors.js";
import { lagAcovMean, rhatCore, splitChains, type Workspace } from "./internal/core.js";
import { autocovPair } from "./internal/fft.js";

function toF64(x: NumericArray): Float64Array {
  return x instanceof Float64Array ? x : Float64Array.from(x);
}

/** Raw lag sums S_k = Σ_t c_t c_{t+k} / n of one sequence (c centred). */
function lagSums(x: Float64Array): Float64Array {
  const n = x.length;
  const out = new Float64Array(n);
  if (n > 0) autocovPair(x, 0, out, 0, n, null, 0, null, 0);
  return out;
}

/**
 * Autocorrelation of a 1-D sequence for every lag, by a zero-padded FFT (O(n log n)), as NumPyro's
 * `autocorrelation`: ρ_k = γ_k / γ_0 with γ_k = Σ_t (x_t − x̄)(x_{t+k} − x̄) / n, or / (n − k) when
 * `bias` is false.
 * @param x - the sequence, length n.
 * @param options - `bias` (default true): use the biased 1/n normalisation.
 * @returns Float64Array of length n; NaN for a constant sequence.
 * @example
 * Array.from(autocorrelation([0, 1, 2, 3])).map((v) => +v.toFixed(2)); // → [1, 0.25, -0.3, -0.45]
 */
export function autocorrelation(x: NumericArray, options: { bias?: boolean } = {}): Float64Array {
  const bias = options.bias ?? true;
  const xs = toF64(x);
  const n = xs.length;
  const s = lagSums(xs);
  if (!bias) for (let k = 0; k < n; k++) s[k] = (s[k] * n) / (n - k);
  const s0 = s[0];
  for (let k = 0; k < n; k++) s[k] /= s0;
  return s;
}

/**
 * Autocovariance of a 1-D sequence for every lag (NumPyro's `autocovariance`): the autocorrelation times
 * the biased variance, computed by FFT.
 * @param x - the sequence, length n.
 * @param options - `bias` (default true): divide lag k by n rather than n − k.
 * @returns Float64Array of length n.
 * @example
 * autocovariance([0, 1, 2, 3])[0]; // → 1.25
 */
export function autocovariance(x: NumericArray, options: { bias?: boolean } = {}): Float64Array {
  const bias = options.bias ?? true;
  const xs = toF64(x);
  const n = xs.length;
  const s = lagSums(xs);
  if (!bias) for (let k = 0; k < n; k++) s[k] = (s[k] * n) / (n - k);
  // NumPyro multiplies the normalised autocorrelation by the variance; a constant sequence gives NaN.
  if (s[0] === 0) s.fill(Number.NaN);
  return s;
}

/**
 * Gelman–Rubin R̂ on whole chains (NumPyro `gelman_rubin`): √(V̂ / W) with
 * V̂ = W·(N − 1)/N + B/N.
 * @param x - draws `[chain, draw, ...element]`, at least 2 chains.
 * @returns one R̂ per element; NaN for constant draws.
 * @throws DiagnosticsError `too-few-chains` with one chain, `too-few-draws` below 4 draws.
 * @example
 * +gelmanRubin([[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]])[0].toFixed(2); // → 0.98
 */
export function gelmanRubin(x: DrawsInput): Float64Array {
  const where = "gelmanRubin(x)";
  const flat = toFlat(x, where);
  if (flat.shape.length >= 2 && flat.shape[0] < 2) {
    throw new DiagnosticsError(
      "too-few-chains",
      `${where}: needs at least 2 chains, got shape ${JSON.stringify(flat.shape)}. Use splitGelmanRubin for one chain.`,
    );
  }
  return perElement(flat, where, rhatCore);
}

/**
 * Split Gelman–Rubin R̂ (NumPyro `split_gelman_rubin`): `gelmanRubin` on chains cut in halves (the middle
 * draw is dropped when the count is odd). Equals the posterior package's `rhat_basic`.
 * @param x - draws `[chain, draw, ...element]`.
 * @returns one R̂ per element.
 * @throws DiagnosticsError below 4 draws per chain or for ragged chains.
 * @example
 * splitGelmanRubin([[0, 1, 2, 3, 4, 5]]).length; // → 1
 */
export function splitGelmanRubin(x: DrawsInput): Float64Array {
  return perElement(x, "splitGelmanRubin(x)", (s, C, D, ws) => {
    const half = splitChains(s, C, D, ws.split);
    return rhatCore(ws.split, 2 * C, half, ws);
  });
}

/**
 * NumPyro ESS of one [C, D] slab. The autocovariances are summed directly, so a constant chain adds zero
 * at every lag: the value NumPyro gives whenever rounding leaves that chain a tiny variance (a chain of
 * 0.37s), where its normalised autocorrelation γ_k/γ_0 is exactly 0/0 = NaN only when the chain's mean
 * happens to round to its value (a chain of 1.5s). Chains each constant at a different value have W = 0 and
 * V̂ > 0, so ρ_k = 1 and the result is C·D/(2D − 1); only equal draws everywhere (V̂ = 0) give NaN.
 */
export function numpyroEssSlab(x: Float64Array, C: number, D: number, ws: Workspace, bias: boolean): number {
  const acovMean = lagAcovMean(x, C, D, ws);
  const means = ws.chainMean;
  const cen = ws.centered;
  let varWithin = 0;
  for (let c = 0; c < C; c++) {
    let s = 0;
    for (let d = 0; d < D; d++) s += cen[c * D + d] ** 2;
    varWithin += s / (D - 1);
  }
  varWithin /= C;
  let varEst = (varWithin * (D - 1)) / D;
  if (C > 1) {
    let mm = 0;
    for (let c = 0; c < C; c++) mm += means[c];
    mm /= C;
    let vb = 0;
    for (let c = 0; c < C; c++) vb += (means[c] - mm) ** 2;
    varEst += vb / (C - 1);
  } else {
    varWithin = varEst;
  }
  const rhoK = (k: number): number => {
    if (k === 0) return 1;
    const g = bias ? acovMean(k) : (acovMean(k) * D) / (D - k);
    return 1 - (varWithin - g) / varEst;
  };
  const pairs = D >> 1;
  let total = rhoK(0) + rhoK(1);
  let prev = Number.POSITIVE_INFINITY;
  for (let j = 1; j < pairs; j++) {
    let r = rhoK(2 * j) + rhoK(2 * j + 1);
    if (Number.isNaN(r)) {
      total = Number.NaN;
      break;
    }
    if (r < 0) r = 0;
    if (r > prev) r = prev;
    prev = r;
    if (r === 0) break;
    total += r;
  }
  return (C * D) / (-1 + 2 * total);
}

/**
 * Effective sample size by NumPyro's definition (`effective_sample_size`): autocovariances by FFT
 * averaged over chains, ρ_k = 1 − (W − γ̄_k)/V̂, pair sums clipped at 0 and made monotone (Geyer), and
 * n_eff = C·N / (−1 + 2 Σ P_k). Chains are not split.
 * @param x - draws `[chain, draw, ...element]`.
 * @param options - `bias` (default true) as in {@link autocovariance}.
 * @returns one value per element; NaN only when all draws are equal (V̂ = 0). A constant chain adds zero
 * autocovariance (NumPyro's limit; NumPyro itself gives NaN when that chain's mean rounds to its value), so
 * chains each constant at a different value give C·N/(4⌊N/2⌋ − 1): ρ_k = 1 at every lag.
 * @throws DiagnosticsError below 4 draws per chain or for ragged chains.
 * @example
 * const x = Array.from({ length: 100 }, (_, c) => Array.from({ length: 10 }, (_, d) => c * 10 + d));
 * +effectiveSampleSize(x, { bias: false })[0].toFixed(2); // → 52.64
 */
export function effectiveSampleSize(x: DrawsInput, options: { bias?: boolean } = {}): Float64Array {
  const bias = options.bias ?? true;
  return perElement(x, "effectiveSampleSize(x)", (s, C, D, ws) => numpyroEssSlab(s, C, D, ws, bias));
}
