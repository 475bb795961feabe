import { betaincinv } from "@phlox/diagnostics";

/** ECDF bands of `plotLooPit(ecdf: true)`. */
export interface PitEcdfBands {
  /** x = i / n for i = 0…n (the uniform ECDF). */
  x: Float64Array;
  /** Lower band: the (1 − hdiProb)/2 quantile of Beta(i + 1, n − i + 1). */
  lower: Float64Array;
  /** Upper band: the (1 + hdiProb)/2 quantile of Beta(i + 1, n − i + 1). */
  upper: Float64Array;
}

/**
 * Pointwise bands for the ECDF of n PIT values under uniformity, as ArviZ's `plot_loo_pit(ecdf=True)`.
 * @param n - number of PIT values.
 * @param hdiProb - band probability; ArviZ's default 0.94.
 * @returns x grid and lower/upper bands.
 */
export function pitEcdfBands(n: number, hdiProb = 0.94): PitEcdfBands {
  const x = new Float64Array(n + 1);
  const lower = new Float64Array(n + 1);
  const upper = new Float64Array(n + 1);
  for (let i = 0; i <= n; i++) {
    x[i] = i / n;
    lower[i] = betaincinv(i + 1, n - i + 1, 0.5 - hdiProb / 2);
    upper[i] = betaincinv(i + 1, n - i + 1, 0.5 + hdiProb / 2);
  }
  return { x, lower, upper };
}

/** The band of the LOO-PIT KDE plot: (h/(1−h), (1−h)/h) with h the (1 − hdiProb)/2 quantile of Beta(n/2, n/2). */
export function pitHdiOdds(n: number, hdiProb = 0.94): [number, number] {
  const h = betaincinv(n / 2, n / 2, (1 - hdiProb) / 2);
  return [h / (1 - h), (1 - h) / h];
}
