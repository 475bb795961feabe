/**
 * The two-sample Kolmogorov–Smirnov test as SciPy's `ks_2samp(x, y, method="asymp")` computes it (what
 * NumPyro's `vsbc_diagnostic` calls): the statistic D = sup |F_x − F_y| and the two-sided p-value
 * P(D_n ≥ D) of the one-sample Kolmogorov distribution with n = round(n_x n_y / (n_x + n_y)) (SciPy's
 * `kstwo.sf`), here by the exact method of Marsaglia, Tsang & Wang (2003).
 */

/** D = sup over t of |F_x(t) − F_y(t)| for two samples. */
export function ksStatistic2(x: readonly number[], y: readonly number[]): number {
  const a = [...x].sort((p, q) => p - q);
  const b = [...y].sort((p, q) => p - q);
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < a.length && j < b.length) {
    const t = Math.min(a[i], b[j]);
    while (i < a.length && a[i] <= t) i++;
    while (j < b.length && b[j] <= t) j++;
    d = Math.max(d, Math.abs(i / a.length - j / b.length));
  }
  return d;
}

/** C = A·B for m×m row-major matrices. */
function matMul(A: Float64Array, B: Float64Array, m: number): Float64Array {
  const C = new Float64Array(m * m);
  for (let i = 0; i < m; i++)
    for (let k = 0; k < m; k++) {
      const a = A[i * m + k];
      if (a === 0) continue;
      for (let j = 0; j < m; j++) C[i * m + j] += a * B[k * m + j];
    }
  return C;
}

/** P(D_n < d) for the one-sample Kolmogorov statistic (Marsaglia, Tsang & Wang 2003, exact). */
export function kolmogorovCdf(n: number, d: number): number {
  if (d <= 0) return 0;
  if (d >= 1) return 1;
  const k = Math.floor(n * d) + 1;
  const m = 2 * k - 1;
  const h = k - n * d;
  const H = new Float64Array(m * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) H[i * m + j] = i - j + 1 >= 0 ? 1 : 0;
  for (let i = 0; i < m; i++) {
    H[i * m] -= h ** (i + 1);
    H[(m - 1) * m + i] -= h ** (m - i);
  }
  H[(m - 1) * m] += 2 * h - 1 > 0 ? (2 * h - 1) ** m : 0;
  for (let i = 0; i < m; i++)
    for (let j = 0; j < m; j++) if (i - j + 1 > 0) for (let g = 1; g <= i - j + 1; g++) H[i * m + j] /= g;
  // Q = H^n by squaring, with a decimal exponent kept aside against overflow
  let Q: Float64Array | null = null;
  let eQ = 0;
  let P: Float64Array = H;
  let eP = 0;
  let e = n;
  const renorm = (A: Float64Array): number => {
    const c = A[Math.floor(m / 2) * m + Math.floor(m / 2)];
    if (c > 1e140) {
      for (let i = 0; i < A.length; i++) A[i] *= 1e-140;
      return 140;
    }
    return 0;
  };
  while (e > 0) {
    if (e & 1) {
      if (Q === null) {
        Q = Float64Array.from(P);
        eQ = eP;
      } else {
        Q = matMul(Q, P, m);
        eQ += eP;
        eQ += renorm(Q);
      }
    }
    e >>= 1;
    if (e > 0) {
      P = matMul(P, P, m);
      eP *= 2;
      eP += renorm(P);
    }
  }
  let s = (Q as Float64Array)[(k - 1) * m + (k - 1)];
  for (let i = 1; i <= n; i++) {
    s = (s * i) / n;
    if (s < 1e-140) {
      s *= 1e140;
      eQ -= 140;
    }
  }
  return Math.min(1, Math.max(0, s * 10 ** eQ));
}

/** SciPy's `ks_2samp(x, y, method="asymp")` (two-sided): `{ statistic, pvalue }`. */
export function ks2SampAsymp(
  x: readonly number[],
  y: readonly number[],
): { statistic: number; pvalue: number } {
  const d = ksStatistic2(x, y);
  const [m, n] = x.length >= y.length ? [x.length, y.length] : [y.length, x.length];
  // NumPy's round: halves to even
  const r = (m * n) / (m + n);
  const f = Math.floor(r);
  const en = r - f === 0.5 ? (f % 2 === 0 ? f : f + 1) : Math.round(r);
  return { statistic: d, pvalue: Math.min(1, Math.max(0, 1 - kolmogorovCdf(en, d))) };
}
