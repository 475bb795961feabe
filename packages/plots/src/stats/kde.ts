import { PlotsError } from "../errors.js";
import { type BandwidthMethod, bwExperimental, bwIsj, bwScott, bwSilverman } from "./bandwidth.js";
import { histogramUniform } from "./histogram.js";
import { extent, std } from "./moments.js";
import { Slot, scratch } from "./scratch.js";

/** Options of {@link kde}; names and defaults follow ArviZ's `kde` for linear data. */
export interface KdeOptions {
  /** A bandwidth rule or a positive number. Default `"experimental"` (mean of Silverman and ISJ). */
  bw?: BandwidthMethod | number;
  /** Multiplies the bandwidth. Default 1. */
  bwFct?: number;
  /** Reflect the binned data at the observed bounds. Default true. */
  boundCorrection?: boolean;
  /** Widen the grid by `extendFct` standard deviations (ignored with boundary correction). Default false. */
  extend?: boolean;
  /** Standard deviations added on each side when `extend`. Default 0. */
  extendFct?: number;
  /** Number of grid points (at least 100). Default 512. */
  gridLen?: number;
  /** Fixed grid limits `[lo, hi]` (must cover the data). */
  customLims?: readonly [number, number];
  /** Return the normalised cumulative density instead. Default false. */
  cumulative?: boolean;
}

/** A KDE on an equally spaced grid. */
export interface KdeResult {
  /** Grid points (bin centres). */
  grid: Float64Array;
  /** Density (or cumulative) at each grid point. */
  pdf: Float64Array;
  /** Bandwidth used, in data units. */
  bw: number;
}

function gaussianWindow(m: number, sd: number): Float64Array {
  const w = scratch(Slot.KdeKernel, m);
  const c = (m - 1) / 2;
  for (let i = 0; i < m; i++) {
    const n = i - c;
    w[i] = Math.exp(-(n * n) / (2 * sd * sd));
  }
  return w;
}

/**
 * `scipy.signal.convolve(f, k, mode="same")[from:to]`: values from..to of the central len(f) values of the
 * full convolution (only the slice the KDE keeps is computed).
 */
function convolveSame(f: Float64Array, k: Float64Array, from = 0, to = f.length): Float64Array {
  const n = f.length;
  const m = k.length;
  const start = (m - 1) >> 1;
  const out = new Float64Array(to - from);
  const one = (i: number): void => {
    const full = i + start;
    const jLo = Math.max(0, full - m + 1);
    const jHi = Math.min(n - 1, full);
    let s = 0;
    for (let j = jLo; j <= jHi; j++) s += f[j]! * k[full - j]!;
    out[i - from] = s;
  };
  let i = from;
  // outputs whose kernel reaches past the start of f
  for (; i < to && i + start - m + 1 < 0; i++) one(i);
  // Where the whole kernel overlaps f (full − m + 1 ≥ 0 and full ≤ n − 1), four outputs at a time (four
  // independent sums give the CPU parallel work), and the Gaussian window being symmetric (k[t] = k[m−1−t]
  // exactly, see gaussianWindow), each pair of values it weighs equally is added before one multiplication:
  // half the multiplications, the same sum up to rounding (a few ulps).
  const interiorEnd = Math.min(to, n - start);
  const half = m >> 1;
  const mid = m & 1 ? k[half]! : 0;
  for (; i + 3 < interiorEnd; i += 4) {
    const b = i + start - m + 1;
    const e = b + m - 1;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let t = 0; t < half; t++) {
      const kt = k[t]!;
      const j = b + t;
      const jj = e - t;
      s0 += (f[j]! + f[jj]!) * kt;
      s1 += (f[j + 1]! + f[jj + 1]!) * kt;
      s2 += (f[j + 2]! + f[jj + 2]!) * kt;
      s3 += (f[j + 3]! + f[jj + 3]!) * kt;
    }
    if (m & 1) {
      const j = b + half;
      s0 += f[j]! * mid;
      s1 += f[j + 1]! * mid;
      s2 += f[j + 2]! * mid;
      s3 += f[j + 3]! * mid;
    }
    out[i - from] = s0;
    out[i + 1 - from] = s1;
    out[i + 2 - from] = s2;
    out[i + 3 - from] = s3;
  }
  for (; i < to; i++) one(i);
  return out;
}

/**
 * One-dimensional Gaussian kernel density estimate exactly as ArviZ 0.23.4's `kde` for linear data: the
 * data binned on a 512-point grid over its range, the "experimental" bandwidth, a Gaussian filter applied by
 * direct convolution, and boundary correction by reflecting a fifth of the grid at each end.
 * @param x - the draws (at least 2 distinct finite values).
 * @param options - see {@link KdeOptions}.
 * @returns the grid, the density and the bandwidth.
 * @throws PlotsError when `x` is empty, holds a non-finite value or is constant, or an option is invalid.
 * @example
 * const r = kde([0, 1, 1.5, 2, 4]);
 * r.grid.length; // → 512
 */
export function kde(x: ArrayLike<number>, options: KdeOptions = {}): KdeResult {
  const n = x.length;
  if (n < 2) throw new PlotsError("too-few-draws", `kde(x): needs at least 2 values, got ${n}.`);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(x[i])) {
      throw new PlotsError("invalid-input", `kde(x): x[${i}] is ${x[i]}; drop non-finite draws first.`);
    }
  }
  const bwFct = options.bwFct ?? 1;
  if (!(bwFct > 0)) throw new PlotsError("invalid-argument", `kde(x): bwFct must be positive, got ${bwFct}.`);
  const [xMin, xMax] = extent(x);
  if (xMin === xMax) {
    throw new PlotsError("invalid-input", `kde(x): all ${n} values equal ${xMin}; a density needs spread.`);
  }
  const xStd = std(x);
  const xRange = xMax - xMin;
  const gridLen = Math.max(Math.trunc(options.gridLen ?? 512), 100);
  const boundCorrection = options.boundCorrection ?? true;
  let gridMin = xMin;
  let gridMax = xMax;
  if (options.customLims !== undefined) {
    const [lo, hi] = options.customLims;
    if (!(lo < hi) || lo > xMin || hi < xMax) {
      throw new PlotsError(
        "invalid-argument",
        `kde(x): customLims [${lo}, ${hi}] must be increasing and cover the data [${xMin}, ${xMax}].`,
      );
    }
    gridMin = lo;
    gridMax = hi;
  } else if ((options.extend ?? false) && !boundCorrection) {
    const ext = (options.extendFct ?? 0) * xStd;
    gridMin = xMin - ext;
    gridMax = xMax + ext;
  }
  const { counts, edges } = histogramUniform(x, gridLen, gridMin, gridMax, {
    counts: scratch(Slot.KdeCounts, gridLen),
    edges: scratch(Slot.KdeEdges, gridLen + 1),
  });
  const method = options.bw ?? "experimental";
  let bw: number;
  if (typeof method === "number") {
    if (!(method > 0))
      throw new PlotsError("invalid-argument", `kde(x): a numeric bw must be positive, got ${method}.`);
    bw = method;
  } else if (method === "experimental") bw = bwExperimental(x, counts, xStd, xRange);
  else if (method === "isj") bw = bwIsj(x, counts, xRange);
  else if (method === "silverman") bw = bwSilverman(x, xStd);
  else if (method === "scott") bw = bwScott(x, xStd);
  else {
    throw new PlotsError(
      "invalid-argument",
      `kde(x): unknown bw "${String(method)}"; use "scott", "silverman", "isj", "experimental" or a number.`,
    );
  }
  bw *= bwFct;
  const binWidth = edges[1] - edges[0];
  const f = scratch(Slot.KdeF, gridLen);
  for (let i = 0; i < gridLen; i++) f[i] = counts[i] / binWidth / n;
  const bwBins = bw / binWidth;
  const grid = new Float64Array(gridLen);
  for (let i = 0; i < gridLen; i++) grid[i] = (edges[i + 1] + edges[i]) / 2;
  let kernelN = Math.trunc(bwBins * 2 * Math.PI);
  if (kernelN === 0) kernelN = 1;
  const kernel = gaussianWindow(kernelN, bwBins);
  let pdf: Float64Array;
  if (boundCorrection) {
    const npad = Math.trunc(gridLen / 5);
    const padded = scratch(Slot.KdePadded, gridLen + 2 * npad);
    for (let i = 0; i < npad; i++) padded[i] = f[npad - 1 - i];
    padded.set(f, npad);
    for (let i = 0; i < npad; i++) padded[npad + gridLen + i] = f[gridLen - 1 - i];
    pdf = convolveSame(padded, kernel, npad, npad + gridLen);
  } else {
    pdf = convolveSame(f, kernel);
  }
  const norm = bwBins * Math.sqrt(2 * Math.PI);
  for (let i = 0; i < gridLen; i++) pdf[i] /= norm;
  if (options.cumulative ?? false) {
    let total = 0;
    for (let i = 0; i < gridLen; i++) total += pdf[i];
    let acc = 0;
    for (let i = 0; i < gridLen; i++) {
      acc += pdf[i];
      pdf[i] = acc / total;
    }
  }
  return { grid, pdf, bw };
}
