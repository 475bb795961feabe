import { brentq } from "./brentq.js";
import { fft } from "./fft.js";
import { histogramUniform } from "./histogram.js";
import { extent, percentileSelect, std } from "./moments.js";
import { Slot, scratch } from "./scratch.js";

/** Bandwidth rules ArviZ offers for linear data. */
export type BandwidthMethod = "scott" | "silverman" | "isj" | "experimental";

/** Scott's rule: 1.06 σ n^(-1/5). */
export function bwScott(x: ArrayLike<number>, xStd = std(x)): number {
  return 1.06 * xStd * x.length ** -0.2;
}

/** Silverman's rule: 0.9 min(σ, IQR/1.34) n^(-1/5). */
export function bwSilverman(x: ArrayLike<number>, xStd = std(x)): number {
  const s = scratch(Slot.SilvermanCopy, x.length);
  for (let i = 0; i < x.length; i++) s[i] = x[i]!;
  const iqr = percentileSelect(s, 0.75) - percentileSelect(s, 0.25);
  return 0.9 * Math.min(xStd, iqr / 1.34) * x.length ** -0.2;
}

/** cos and sin of −jπ/(2n), j = 0…n−1, per length n (the DCT's phase factors). */
const phaseCache = new Map<number, { cos: Float64Array; sin: Float64Array }>();

function phases(n: number): { cos: Float64Array; sin: Float64Array } {
  let p = phaseCache.get(n);
  if (p === undefined) {
    const cos = new Float64Array(n);
    const sin = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      const a = (-j * Math.PI) / (2 * n);
      cos[j] = Math.cos(a);
      sin[j] = Math.sin(a);
    }
    p = { cos, sin };
    phaseCache.set(n, p);
  }
  return p;
}

/** ArviZ's `_dct1d`: the DCT-II-like transform used by the ISJ bandwidth (into a work array). */
function dct1d(x: Float64Array): Float64Array {
  const n = x.length;
  const re = scratch(Slot.IsjRe, n);
  const im = scratch(Slot.IsjIm, n, true);
  let k = 0;
  for (let i = 0; i < n; i += 2) re[k++] = x[i]!;
  for (let i = n - 1; i > 0; i -= 2) re[k++] = x[i]!;
  fft(re, im);
  const { cos, sin } = phases(n);
  const out = scratch(Slot.IsjAk, n);
  out[0] = re[0]!;
  // real part of 2 e^{ia} (re + i im)
  for (let j = 1; j < n; j++) out[j] = 2 * (cos[j]! * re[j]! - sin[j]! * im[j]!);
  return out;
}

/**
 * Σ_k w[k] e^{−k² π² t} for k = 1…K (w[k−1] holds the weight of k), with the exponentials by recurrence
 * (e_{k+1} = e_k · e^{−(2k+1)π²t}) instead of one `exp` per term, stopping once they underflow.
 */
function expSum(w: Float64Array, t: number): number {
  const c = Math.PI ** 2 * t;
  const q2 = Math.exp(-2 * c);
  let e = Math.exp(-c);
  let r = Math.exp(-3 * c);
  let s = 0;
  for (let i = 0; i < w.length; i++) {
    if (e < 1e-290) break;
    s += w[i]! * e;
    e *= r;
    r *= q2;
  }
  return s;
}

/** The fixed-point function t − ξγ^[l](t) of Botev et al. (2010), eq. (30), with l = 7 as ArviZ. */
function fixedPoint(t: number, N: number, weights: readonly Float64Array[]): number {
  const l = 7;
  let f = expSum(weights[l]!, t);
  f *= 0.5 * Math.PI ** (2 * l);
  for (let j = l - 1; j >= 2; j--) {
    const c1 = (1 + 0.5 ** (j + 0.5)) / 3;
    let c2 = 1;
    for (let m = 1; m < 2 * j + 1; m += 2) c2 *= m;
    c2 /= (Math.PI / 2) ** 0.5;
    const tj = (c1 * (c2 / (N * f))) ** (2 / (3 + 2 * j));
    f = expSum(weights[j]!, tj);
    f *= 0.5 * Math.PI ** (2 * j);
  }
  return t - (2 * N * Math.PI ** 0.5 * f) ** -0.4;
}

const WEIGHT_SLOTS = [
  Slot.IsjWeight2,
  Slot.IsjWeight3,
  Slot.IsjWeight4,
  Slot.IsjWeight5,
  Slot.IsjWeight6,
  Slot.IsjWeight7,
] as const;
const EMPTY = new Float64Array(0);
/** weights[j] for j = 2…7 (0 and 1 unused), refilled by each {@link bwIsj} call. */
const weights: Float64Array[] = [EMPTY, EMPTY, EMPTY, EMPTY, EMPTY, EMPTY, EMPTY, EMPTY];

/**
 * Improved Sheather–Jones bandwidth (Botev et al. 2010) as ArviZ computes it from the binned counts of the
 * KDE grid; falls back to Silverman's rule when the fixed-point equation has no root in [0, 0.01].
 */
export function bwIsj(x: ArrayLike<number>, gridCounts?: Float64Array, xRange?: number): number {
  const n = x.length;
  const [lo, hi] = extent(x);
  const range = xRange ?? hi - lo;
  let counts = gridCounts;
  if (counts === undefined) {
    const s = std(x);
    counts = histogramUniform(x, 256, lo - 0.5 * s, hi + 0.5 * s).counts;
  }
  const gridLen = gridCounts === undefined ? 256 : counts.length - 1;
  const rel = scratch(Slot.IsjRel, counts.length);
  for (let i = 0; i < counts.length; i++) rel[i] = counts[i]! / n;
  const ak = dct1d(rel);
  // weights[j][k−1] = (k²)^j a_k², as ArviZ's k_sq ** j * a_sq; (k²)^j by repeated multiplication (a few
  // ulps from pow, far below the 1e-8 the KDE is held to)
  const m = gridLen - 1;
  const pw = scratch(Slot.IsjPow, m);
  for (let i = 0; i < m; i++) {
    const kSq = (i + 1) * (i + 1);
    pw[i] = kSq * kSq;
  }
  for (let j = 2; j <= 7; j++) {
    const w = scratch(WEIGHT_SLOTS[j - 2]!, m);
    for (let i = 0; i < m; i++) {
      const a = ak[i + 1]!;
      w[i] = pw[i]! * (a * a);
    }
    weights[j] = w;
    if (j < 7) for (let i = 0; i < m; i++) pw[i] = pw[i]! * ((i + 1) * (i + 1));
  }
  const r = brentq((t) => fixedPoint(t, n, weights), 0, 0.01);
  let t: number;
  if (r === undefined || !r.converged || !(r.root > 0)) t = (bwSilverman(x) / (hi - lo)) ** 2;
  else t = r.root;
  return Math.sqrt(t) * range;
}

/** ArviZ's default "experimental" bandwidth: the mean of Silverman's and ISJ. */
export function bwExperimental(
  x: ArrayLike<number>,
  gridCounts?: Float64Array,
  xStd?: number,
  xRange?: number,
): number {
  return 0.5 * (bwSilverman(x, xStd) + bwIsj(x, gridCounts, xRange));
}
