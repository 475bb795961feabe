import { selectInPlace, sortInPlace } from "./sort.js";

/** Arithmetic mean. */
export function mean(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s / x.length;
}

/** Population standard deviation, as `np.std(x)` (ddof 0). */
export function std(x: ArrayLike<number>): number {
  const m = mean(x);
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    const d = x[i] - m;
    s += d * d;
  }
  return Math.sqrt(s / x.length);
}

/** Population variance (ddof 0). */
export function variance(x: ArrayLike<number>): number {
  const s = std(x);
  return s * s;
}

/** NumPy's linear interpolation between neighbouring order statistics a ≤ b at fraction t. */
function lerpNumpy(a: number, b: number, t: number): number {
  const d = b - a;
  return t >= 0.5 ? b - d * (1 - t) : a + d * t;
}

/** Linear-interpolation percentile of already sorted values, as `np.percentile(x, 100·q)`. */
export function percentileSorted(s: ArrayLike<number>, q: number): number {
  const idx = q * (s.length - 1);
  const lo = Math.floor(idx);
  const hi = Math.min(lo + 1, s.length - 1);
  return lerpNumpy(s[lo], s[hi], idx - lo);
}

/**
 * `np.percentile(x, 100·q)` of unsorted values (no NaN) by selection instead of a sort: the same two order
 * statistics, so the same number as {@link percentileSorted} of the sorted values. Reorders `scratch`.
 */
export function percentileSelect(scratch: Float64Array, q: number): number {
  const n = scratch.length;
  const idx = q * (n - 1);
  const lo = Math.floor(idx);
  const a = selectInPlace(scratch, lo);
  let b = a;
  if (lo + 1 < n) {
    // the next order statistic is the smallest value right of the selected one
    b = scratch[lo + 1]!;
    for (let i = lo + 2; i < n; i++) if (scratch[i]! < b) b = scratch[i]!;
  }
  return lerpNumpy(a, b, idx - lo);
}

/** Sorted copy as a Float64Array. */
export function sorted(x: ArrayLike<number>): Float64Array {
  return sortInPlace(x instanceof Float64Array ? x.slice() : Float64Array.from(x));
}

/** Minimum and maximum. */
export function extent(x: ArrayLike<number>): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}
