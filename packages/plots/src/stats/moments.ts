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

/** Linear-interpolation percentile of already sorted values, as `np.percentile(x, 100·q)`. */
export function percentileSorted(s: ArrayLike<number>, q: number): number {
  const idx = q * (s.length - 1);
  const lo = Math.floor(idx);
  const hi = Math.min(lo + 1, s.length - 1);
  const t = idx - lo;
  const a = s[lo];
  const b = s[hi];
  const d = b - a;
  return t >= 0.5 ? b - d * (1 - t) : a + d * t;
}

/** Sorted copy as a Float64Array. */
export function sorted(x: ArrayLike<number>): Float64Array {
  return (x instanceof Float64Array ? x.slice() : Float64Array.from(x)).sort();
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
