// All of ArviZ's `_multichain_statistics` (stat_focus "mean") for one [C, D] slab from a single sort:
// the sorted draws give the HDI, the tail quantiles and the median; the sorted folded draws come from
// them by a merge; with an even draw count the split chains are a permutation of the draws, so their
// ranks come from the same sorted arrays.

import {
  essCore,
  essQuantileCore,
  medianSorted,
  pyMax,
  pyMin,
  rhatCore,
  splitChains,
  type Workspace,
  zScale,
} from "./core.js";
import { pivotOf } from "./pivot.js";

/** Outputs, in order: mcse_mean, mcse_sd, ess_bulk, ess_tail, r_hat. */
export function arvizDiagnostics(
  x: Float64Array,
  C: number,
  D: number,
  ws: Workspace,
  sorted: Float64Array,
  out: Float64Array,
): void {
  const n = C * D;
  const half = D >> 1;
  const m = 2 * C * half;
  const even = m === n;
  // Around a pivot, so that a large common offset costs no digits (see pivotOf).
  const p = pivotOf(x);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i] - p;
  mean /= n;
  let ss = 0;
  let m4 = 0;
  const sq = ws.tmp;
  for (let i = 0; i < n; i++) {
    const d = x[i] - p - mean;
    const d2 = d * d;
    sq[i] = d2;
    ss += d2;
    m4 += d2 * d2;
  }
  // MCSE of the mean and of the sd.
  splitChains(x, C, D, ws.split);
  const essMean = essCore(ws.split, 2 * C, half, ws);
  out[0] = Math.sqrt(ss / (n - 1) / essMean);
  splitChains(sq, C, D, ws.split);
  const essSq = essCore(ws.split, 2 * C, half, ws);
  const evar = ss / n;
  out[1] = Math.sqrt((m4 / n - evar * evar) / essSq / evar / 4);
  // Bulk: rank-normalised split chains.
  const split = ws.split;
  splitChains(x, C, D, split);
  const z = ws.z;
  if (even) zScale(split, m, z, sorted, true);
  else zScale(split, m, z, ws.sorted);
  out[2] = essCore(z, 2 * C, half, ws);
  const bulk = C < 2 ? Number.NaN : rhatCore(z, 2 * C, half, ws);
  // Tail ESS from the sorted draws.
  out[3] = pyMin(essQuantileCore(x, C, D, 0.05, ws, sorted), essQuantileCore(x, C, D, 0.95, ws, sorted));
  if (C < 2) {
    out[4] = Number.NaN;
    return;
  }
  // Tail R-hat: fold around the median of all draws, split, rank-normalise.
  const med = medianSorted(sorted, n);
  const folded = ws.tmp;
  for (let i = 0; i < n; i++) folded[i] = Math.abs(x[i] - med);
  splitChains(folded, C, D, split);
  if (even) {
    // Sorted |x − med|: merge the values below the median (read downwards) with those above.
    const fs = ws.sorted;
    let lo = 0;
    while (lo < n && sorted[lo] < med) lo++;
    let i = lo - 1;
    let j = lo;
    for (let k = 0; k < n; k++) {
      const a = i >= 0 ? med - sorted[i] : Number.POSITIVE_INFINITY;
      const b = j < n ? sorted[j] - med : Number.POSITIVE_INFINITY;
      if (a <= b) {
        fs[k] = a;
        i--;
      } else {
        fs[k] = b;
        j++;
      }
    }
    zScale(split, m, z, fs, true);
  } else zScale(split, m, z, ws.sorted);
  out[4] = pyMax(bulk, rhatCore(z, 2 * C, half, ws));
}
