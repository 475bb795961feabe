/**
 * Goodness-of-fit statistics for the sampling tests (plain JS over draws read back from tensors).
 */

/** Kolmogorov–Smirnov statistic of probability-integral-transformed draws u = F(x) against Uniform(0, 1). */
export function ksStatistic(u: readonly number[]): number {
  const s = [...u].sort((a, b) => a - b);
  const n = s.length;
  let d = 0;
  for (let i = 0; i < n; i++) d = Math.max(d, (i + 1) / n - s[i]!, s[i]! - i / n);
  return d;
}

/** Critical value of the one-sample KS statistic at level α (asymptotic: √(−½ log(α/2)) / √n). */
export const ksCritical = (n: number, alpha: number): number =>
  Math.sqrt(-0.5 * Math.log(alpha / 2)) / Math.sqrt(n);

/**
 * Pearson chi-square of observed integer draws against a pmf: bins are merged from the left until each holds
 * an expected count ≥ 5; mass outside the observed range is added to the edge bins.
 * @returns the statistic and its degrees of freedom.
 */
export function chiSquare(
  draws: readonly number[],
  pmf: (k: number) => number,
): { stat: number; df: number } {
  const n = draws.length;
  const counts = new Map<number, number>();
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const x of draws) {
    counts.set(x, (counts.get(x) ?? 0) + 1);
    lo = Math.min(lo, x);
    hi = Math.max(hi, x);
  }
  const ks: number[] = [];
  for (let k = lo; k <= hi; k++) ks.push(k);
  const probs = ks.map(pmf);
  const inside = probs.reduce((a, b) => a + b, 0);
  const outside = Math.max(0, 1 - inside);
  probs[probs.length - 1]! += outside;
  const bins: { obs: number; exp: number }[] = [];
  let cur = { obs: 0, exp: 0 };
  ks.forEach((k, i) => {
    cur.obs += counts.get(k) ?? 0;
    cur.exp += n * probs[i]!;
    if (cur.exp >= 5) {
      bins.push(cur);
      cur = { obs: 0, exp: 0 };
    }
  });
  if (cur.exp > 0 || cur.obs > 0) {
    const last = bins.pop() ?? { obs: 0, exp: 0 };
    bins.push({ obs: last.obs + cur.obs, exp: last.exp + cur.exp });
  }
  let stat = 0;
  for (const b of bins) stat += (b.obs - b.exp) ** 2 / b.exp;
  return { stat, df: Math.max(1, bins.length - 1) };
}

/** Upper α-quantile of χ²(df) by the Wilson–Hilferty approximation, given the normal quantile z₁₋α. */
export function chiSquareCritical(df: number, zUpper: number): number {
  const a = 2 / (9 * df);
  return df * (1 - a + zUpper * Math.sqrt(a)) ** 3;
}
