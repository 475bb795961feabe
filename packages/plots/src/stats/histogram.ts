/** Edges of `bins` equal bins over [lo, hi], as `np.linspace(lo, hi, bins + 1)`. */
export function linspaceEdges(
  lo: number,
  hi: number,
  bins: number,
  e: Float64Array = new Float64Array(bins + 1),
): Float64Array {
  const step = (hi - lo) / bins;
  for (let i = 0; i < bins; i++) e[i] = i * step + lo;
  e[bins] = hi;
  return e;
}

/**
 * Counts of `x` in `bins` equal bins over [lo, hi] (last bin closed), as `np.histogram(x, bins, (lo, hi))`,
 * including NumPy's correction of the computed index against the edges. Values outside are dropped.
 */
export function histogramUniform(
  x: ArrayLike<number>,
  bins: number,
  lo: number,
  hi: number,
  into?: { counts: Float64Array; edges: Float64Array },
): { counts: Float64Array; edges: Float64Array } {
  let first = lo;
  let last = hi;
  if (first === last) {
    first -= 0.5;
    last += 0.5;
  }
  // `into`: arrays of bins and bins + 1 elements to fill (work arrays of a caller)
  const edges = linspaceEdges(first, last, bins, into?.edges);
  const counts = into?.counts.fill(0) ?? new Float64Array(bins);
  const norm = bins / (last - first);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (!(v >= first && v <= last)) continue;
    let k = Math.trunc((v - first) * norm);
    if (k === bins) k--;
    if (v < edges[k]) k--;
    else if (k !== bins - 1 && v >= edges[k + 1]) k++;
    counts[k]++;
  }
  return { counts, edges };
}

/**
 * Counts of `x` against explicit increasing `edges` (each bin [e_i, e_{i+1}), the last closed), as
 * `np.histogram(x, bins=edges)`.
 */
export function histogramEdges(x: ArrayLike<number>, edges: ArrayLike<number>): Float64Array {
  const bins = edges.length - 1;
  const counts = new Float64Array(bins);
  const lastEdge = edges[bins];
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (!(v >= edges[0] && v <= lastEdge)) continue;
    let lo = 0;
    let hi = bins;
    // largest k with edges[k] <= v (k < bins)
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (edges[mid] <= v) lo = mid;
      else hi = mid;
    }
    counts[lo]++;
  }
  return counts;
}
