// The pivot that the kernels take their sums around; a leaf module, so that fft.ts can use it without a
// cycle through core.ts.

/**
 * The pivot that sums of draws are taken around: x[off], or 0 when that is not finite. Location-invariant
 * statistics computed from x − pivot keep their digits under a large common offset (1e10 + z): draws
 * within a factor 2 of the pivot subtract exactly (Sterbenz), so naive sums of the differences are as
 * accurate as NumPy's pairwise sums of well-scaled draws. Per chain, with the chain's first draw as pivot,
 * a constant chain has exactly zero variance.
 */
export function pivotOf(x: Float64Array, off = 0): number {
  const p = x[off];
  return Number.isFinite(p) ? p : 0;
}
