// Kernels over one element's draws laid out chain-major in a Float64Array slab `x[c * D + d]`.
// They follow ArviZ 0.23 (`arviz/stats/diagnostics.py`) and the R package posterior 1.4, which agree:
// Geyer's initial positive + monotone sequence ESS (Stan), split chains, rank normalisation with Blom's
// offset 3/8 (Vehtari et al. 2021).

import { meanAutocov } from "./fft.js";
import { pivotOf } from "./pivot.js";
import { betaincinv, ndtri } from "./special.js";

/** Python's `min(a, b)`: returns `a` unless `b < a` (so a NaN in `a` wins, a NaN in `b` loses). */
export function pyMin(a: number, b: number): number {
  // biome-ignore lint/complexity/useMathMinMax: Math.min propagates NaN from either side; Python does not.
  return b < a ? b : a;
}
/** Python's `max(a, b)`. */
export function pyMax(a: number, b: number): number {
  // biome-ignore lint/complexity/useMathMinMax: Math.max propagates NaN from either side; Python does not.
  return b > a ? b : a;
}

/** Reusable scratch buffers for one size of problem (avoids allocation per element). */
export class Workspace {
  centered = new Float64Array(0);
  acov = new Float64Array(0);
  rho = new Float64Array(0);
  chainMean = new Float64Array(0);
  split = new Float64Array(0);
  z = new Float64Array(0);
  sorted = new Float64Array(0);
  tmp = new Float64Array(0);
  lagCache = new Float64Array(4);

  ensure(n: number, chains: number): void {
    if (this.centered.length < n) {
      this.centered = new Float64Array(n);
      this.acov = new Float64Array(n);
      this.rho = new Float64Array(n);
      this.split = new Float64Array(n);
      this.z = new Float64Array(n);
      this.sorted = new Float64Array(n);
      this.tmp = new Float64Array(n);
    }
    if (this.chainMean.length < chains * 2) this.chainMean = new Float64Array(chains * 2);
  }
}

let shared: Workspace | null = null;
/** The module's shared workspace, grown on demand. */
export function workspace(n: number, chains: number): Workspace {
  if (!shared) shared = new Workspace();
  shared.ensure(n, chains);
  return shared;
}

/** True when one of x[0..n) is NaN. */
export function hasNaN(x: Float64Array, n: number): boolean {
  for (let i = 0; i < n; i++) if (Number.isNaN(x[i])) return true;
  return false;
}

/** Sample variance (ddof = 1) of x[off..off+n), two-pass around the pivot x[off]. */
function varDdof1(x: Float64Array, off: number, n: number): number {
  const p = pivotOf(x, off);
  let m = 0;
  for (let i = 0; i < n; i++) m += x[off + i] - p;
  m /= n;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const d = x[off + i] - p - m;
    s += d * d;
  }
  return s / (n - 1);
}

/** Gelman–Rubin R̂ of a [C, D] slab (ArviZ `_rhat`, NumPyro `gelman_rubin`): √((B/W + D − 1)/D). */
export function rhatCore(x: Float64Array, C: number, D: number, ws: Workspace): number {
  const n = C * D;
  if (hasNaN(x, n)) return Number.NaN;
  const means = ws.chainMean;
  const p0 = pivotOf(x);
  let w = 0;
  for (let c = 0; c < C; c++) {
    let m = 0;
    const off = c * D;
    const p = pivotOf(x, off);
    for (let d = 0; d < D; d++) m += x[off + d] - p;
    m /= D;
    means[c] = p - p0 + m; // relative to the slab's pivot: only differences of the means matter
    let s = 0;
    for (let d = 0; d < D; d++) {
      const v = x[off + d] - p - m;
      s += v * v;
    }
    w += s / (D - 1);
  }
  w /= C;
  const b = D * varDdof1(means, 0, C);
  return Math.sqrt((b / w + D - 1) / D);
}

const DIRECT_LAGS = 64;

/**
 * Returns t ↦ mean over chains of the biased lag-t autocovariance of a [C, D] slab, and fills
 * ws.chainMean with the chain means relative to the slab's pivot ({@link pivotOf}) and ws.centered with
 * the centred draws. Direct sums serve the first lags (cheap when the chain mixes well); the zero-padded
 * FFT of the centred draws computes all lags at once when a caller walks further.
 */
export function lagAcovMean(x: Float64Array, C: number, D: number, ws: Workspace): (t: number) => number {
  const cen = ws.centered;
  const means = ws.chainMean;
  const p0 = pivotOf(x);
  for (let c = 0; c < C; c++) {
    const off = c * D;
    const p = pivotOf(x, off);
    let m = 0;
    for (let d = 0; d < D; d++) m += x[off + d] - p;
    m /= D;
    means[c] = p - p0 + m;
    for (let d = 0; d < D; d++) cen[off + d] = x[off + d] - p - m;
  }
  let fftDone = false;
  const acov = ws.acov;
  // Lags are requested in increasing order: one pass computes four of them (four independent
  // accumulators also keep the floating-point pipeline busy).
  let cacheStart = -4;
  const cache = ws.lagCache;
  return (t: number): number => {
    if (t < DIRECT_LAGS && !fftDone) {
      if (t >= cacheStart && t < cacheStart + 4) return cache[t - cacheStart];
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let c = 0; c < C; c++) {
        const off = c * D;
        const end = off + D - t - 3;
        let i = off;
        for (; i < end; i++) {
          const v = cen[i];
          const j = i + t;
          s0 += v * cen[j];
          s1 += v * cen[j + 1];
          s2 += v * cen[j + 2];
          s3 += v * cen[j + 3];
        }
        // The last three starting points, where only the shorter lags still have a partner.
        const stop = off + D;
        for (; i < stop; i++) {
          const v = cen[i];
          const j = i + t;
          if (j < stop) s0 += v * cen[j];
          if (j + 1 < stop) s1 += v * cen[j + 1];
          if (j + 2 < stop) s2 += v * cen[j + 2];
        }
      }
      const norm = 1 / D / C;
      cache[0] = s0 * norm;
      cache[1] = s1 * norm;
      cache[2] = s2 * norm;
      cache[3] = s3 * norm;
      cacheStart = t;
      return cache[0];
    }
    if (!fftDone) {
      meanAutocov(cen, C, D, acov);
      fftDone = true;
    }
    return acov[t];
  };
}

/**
 * Effective sample size of a [C, D] slab (ArviZ `_ess`, posterior `.ess`): Geyer's initial positive
 * sequence with the monotone correction and the antithetic improvement, τ capped below at 1/log10(CD).
 * Returns C·D for a constant slab, and NaN when any value is NaN or the autocovariances are not finite
 * (±∞ among the draws, or a variance that overflows), as ArviZ.
 */
export function essCore(x: Float64Array, C: number, D: number, ws: Workspace, relative = false): number {
  const n = C * D;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const v = x[i];
    if (Number.isNaN(v)) return Number.NaN;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (max - min < 1e-15) return relative ? 1 : n;
  const means = ws.chainMean;
  const acovMean = lagAcovMean(x, C, D, ws);
  const meanVar = (acovMean(0) * D) / (D - 1);
  let varPlus = (meanVar * (D - 1)) / D;
  if (C > 1) varPlus += varDdof1(means, 0, C);
  const rho = ws.rho;
  rho.fill(0, 0, D);
  let rhoEven = 1;
  rho[0] = rhoEven;
  let rhoOdd = 1 - (meanVar - acovMean(1)) / varPlus;
  rho[1] = rhoOdd;
  // ArviZ returns NaN when any ρ̂_t is NaN; the only NaN that can enter ρ̂ is ρ̂_1 (every later write is
  // guarded by a comparison), which is NaN exactly when the variances are not finite.
  if (Number.isNaN(rhoOdd)) return Number.NaN;
  let t = 1;
  while (t < D - 3 && rhoEven + rhoOdd > 0) {
    rhoEven = 1 - (meanVar - acovMean(t + 1)) / varPlus;
    rhoOdd = 1 - (meanVar - acovMean(t + 2)) / varPlus;
    if (rhoEven + rhoOdd >= 0) {
      rho[t + 1] = rhoEven;
      rho[t + 2] = rhoOdd;
    }
    t += 2;
  }
  const maxT = t - 2;
  if (rhoEven > 0) rho[maxT + 1] = rhoEven;
  t = 1;
  while (t <= maxT - 2) {
    if (rho[t + 1] + rho[t + 2] > rho[t - 1] + rho[t]) {
      rho[t + 1] = (rho[t - 1] + rho[t]) / 2;
      rho[t + 2] = rho[t + 1];
    }
    t += 2;
  }
  let sum = 0;
  let nan = false;
  for (let i = 0; i <= maxT; i++) {
    sum += rho[i];
    if (Number.isNaN(rho[i])) nan = true;
  }
  let tau = -1 + 2 * sum + (maxT + 1 < D ? rho[maxT + 1] : 0);
  if (maxT + 1 < D && Number.isNaN(rho[maxT + 1])) nan = true;
  tau = Math.max(tau, 1 / Math.log10(n));
  if (nan || Number.isNaN(tau)) return Number.NaN;
  return (relative ? 1 : n) / tau;
}

/** Splits each chain in halves (dropping the middle draw when D is odd), first halves then second halves. */
export function splitChains(x: Float64Array, C: number, D: number, out: Float64Array): number {
  const half = D >> 1;
  for (let c = 0; c < C; c++) {
    const src = c * D;
    for (let i = 0; i < half; i++) {
      out[c * half + i] = x[src + i];
      out[(C + c) * half + i] = x[src + D - half + i];
    }
  }
  return half;
}

const zTables = new Map<number, Float64Array>();

function zTable(n: number): Float64Array {
  let t = zTables.get(n);
  if (t) return t;
  t = new Float64Array(n + 1);
  const denom = n - 0.75 + 1;
  for (let r = 1; r <= n; r++) t[r] = ndtri((r - 0.375) / denom);
  if (zTables.size > 32) zTables.clear();
  zTables.set(n, t);
  return t;
}

/**
 * Rank normalisation (ArviZ `_z_scale`, posterior `z_scale`): average ranks over the whole slab, then
 * Φ⁻¹((r − 3/8)/(n − 3/4 + 1)). Writes into `out`; `sortBuf` is scratch of length ≥ n, or already holds
 * the sorted values when `presorted`.
 */
export function zScale(
  x: Float64Array,
  n: number,
  out: Float64Array,
  sortBuf: Float64Array,
  presorted = false,
): void {
  const s = sortBuf.subarray(0, n);
  if (!presorted) {
    s.set(x.subarray(0, n));
    s.sort();
  }
  const table = zTable(n);
  const denom = n - 0.75 + 1;
  for (let i = 0; i < n; i++) {
    const v = x[i];
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (s[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    let up = lo;
    if (up + 1 < n && s[up + 1] === v) {
      hi = n;
      while (up < hi) {
        const mid = (up + hi) >> 1;
        if (s[mid] <= v) up = mid + 1;
        else hi = mid;
      }
      up -= 1;
    }
    if (up === lo) out[i] = table[lo + 1];
    else {
      const rank = (lo + 1 + up + 1) / 2;
      out[i] = ndtri((rank - 0.375) / denom);
    }
  }
}

/** Median of x[0..n) (mean of the two middle values for even n); `buf` is scratch. */
export function median(x: Float64Array, n: number, buf: Float64Array): number {
  const s = buf.subarray(0, n);
  s.set(x.subarray(0, n));
  s.sort();
  return medianSorted(s, n);
}

/** Median of sorted s[0..n). */
export function medianSorted(s: Float64Array, n: number): number {
  const h = n >> 1;
  return n % 2 === 1 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/**
 * Type-7 quantile of sorted s[0..n) in scipy's `mquantiles(alphap=1, betap=1)` arithmetic (what ArviZ
 * `_quantile` uses): (1 − γ)·x[k−1] + γ·x[k].
 */
export function quantileSortedMq(s: Float64Array, n: number, p: number): number {
  const aleph = n * p + 1 - p;
  const k = Math.floor(Math.min(Math.max(aleph, 1), n - 1));
  const g = Math.min(Math.max(aleph - k, 0), 1);
  return (1 - g) * s[k - 1] + g * s[k];
}

/** Type-7 quantile of sorted s[0..n) in NumPy's `linear` arithmetic. */
export function quantileSorted(s: Float64Array, n: number, p: number): number {
  if (n === 1) return s[0];
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  if (lo >= n - 1) return s[n - 1];
  const g = h - lo;
  const a = s[lo];
  const b = s[lo + 1];
  const diff = b - a;
  return g >= 0.5 ? b - diff * (1 - g) : a + diff * g;
}

/** ESS of the indicator x ≤ q(prob) on split chains (ArviZ `_ess_quantile`). */
export function essQuantileCore(
  x: Float64Array,
  C: number,
  D: number,
  prob: number,
  ws: Workspace,
  sorted: Float64Array | null = null,
): number {
  const n = C * D;
  if (hasNaN(x, n)) return Number.NaN;
  let s = sorted;
  if (!s) {
    s = ws.sorted.subarray(0, n);
    s.set(x.subarray(0, n));
    s.sort();
  }
  const q = quantileSortedMq(s, n, prob);
  const ind = ws.tmp;
  for (let i = 0; i < n; i++) ind[i] = x[i] <= q ? 1 : 0;
  const half = splitChains(ind, C, D, ws.split);
  return essCore(ws.split, 2 * C, half, ws);
}

/** MCSE of a quantile from the Beta posterior of the order statistic index (ArviZ `_mcse_quantile`). */
export function mcseQuantileCore(x: Float64Array, C: number, D: number, prob: number, ws: Workspace): number {
  const n = C * D;
  if (hasNaN(x, n)) return Number.NaN;
  const ess = essQuantileCore(x, C, D, prob, ws);
  const a = ess * prob + 1;
  const b = ess * (1 - prob) + 1;
  const p1 = betaincinv(a, b, 0.1586553);
  const p2 = betaincinv(a, b, 0.8413447);
  const s = ws.sorted.subarray(0, n);
  s.set(x.subarray(0, n));
  s.sort();
  const lo = p1 * n - 1;
  const hi = p2 * n - 1;
  const i1 = Math.floor(Number.isNaN(lo) ? 0 : Math.max(lo, 0));
  const i2 = Math.ceil(Number.isNaN(hi) ? n - 1 : Math.min(hi, n - 1));
  return (s[i2] - s[i1]) / 2;
}

/** MCSE of the sd (ArviZ `_mcse_sd`, posterior 1.4 `mcse_sd`): Kenney–Keeping variance of variance. */
export function mcseSdCore(x: Float64Array, C: number, D: number, ws: Workspace): number {
  const n = C * D;
  if (hasNaN(x, n)) return Number.NaN;
  const p = pivotOf(x);
  let m = 0;
  for (let i = 0; i < n; i++) m += x[i] - p;
  m /= n;
  const sq = ws.tmp;
  let evar = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i] - p - m;
    const d2 = d * d;
    sq[i] = d2;
    evar += d2;
    m4 += d2 * d2;
  }
  evar /= n;
  m4 /= n;
  const half = splitChains(sq, C, D, ws.split);
  const ess = essCore(ws.split, 2 * C, half, ws);
  const varvar = (m4 - evar * evar) / ess;
  return Math.sqrt(varvar / evar / 4);
}

/** Mean and sample sd (ddof = 1) of x[0..n), summed around the pivot x[0]. */
export function meanSd(x: Float64Array, n: number): [number, number] {
  const p = pivotOf(x);
  let m = 0;
  for (let i = 0; i < n; i++) m += x[i] - p;
  m /= n;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i] - p - m;
    s += d * d;
  }
  return [p + m, Math.sqrt(s / (n - 1))];
}
