// Scalar special functions needed by the diagnostics: the standard normal CDF and its inverse (for
// rank normalisation), log-gamma, the regularised incomplete beta function and its inverse (for the
// quantile MCSE), and log-sum-exp.

const SQRT_2PI = Math.sqrt(2 * Math.PI);

/** Standard normal density. */
function phi(x: number): number {
  return Math.exp(-0.5 * x * x) / SQRT_2PI;
}

/**
 * Lower tail Φ(x) for x ≤ 0 to near machine precision: Marsaglia's series
 * Φ(x) = ½ + φ(x)(x + x³/3 + x⁵/15 + …) for |x| < 3, and Laplace's continued fraction for the Mills
 * ratio beyond (evaluated bottom-up with a fixed depth that converges for |x| ≥ 3).
 */
function lowerTail(x: number): number {
  const y = -x;
  if (y < 3) {
    let term = y;
    let sum = y;
    const y2 = y * y;
    for (let n = 3; n < 400; n += 2) {
      term *= y2 / n;
      const next = sum + term;
      if (next === sum) break;
      sum = next;
    }
    return 0.5 - phi(y) * sum;
  }
  // Q(y) = φ(y) / (y + 1/(y + 2/(y + 3/(y + …))))
  let f = y;
  for (let k = 120; k >= 1; k--) f = y + k / f;
  return phi(y) / f;
}

/** Standard normal CDF Φ(x). */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  return x <= 0 ? lowerTail(x) : 1 - lowerTail(-x);
}

/**
 * Inverse standard normal CDF Φ⁻¹(p): Acklam's rational start refined by Newton steps on an
 * accurate Φ, and exact symmetry Φ⁻¹(p) = −Φ⁻¹(1 − p) for p > ½ (1 − p is exact there).
 */
export function ndtri(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return Number.NaN;
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  if (p > 0.5) return -ndtri(1 - p);
  if (p === 0.5) return 0;
  let z: number;
  if (p < 0.02425) {
    const q = Math.sqrt(-2 * Math.log(p));
    z =
      (((((-7.784894002430293e-3 * q - 3.223964580411365e-1) * q - 2.400758277161838) * q -
        2.549732539343734) *
        q +
        4.374664141464968) *
        q +
        2.938163982698783) /
      ((((7.78469570904146e-3 * q + 3.224671290700398e-1) * q + 2.445134137142996) * q + 3.754408661907416) *
        q +
        1);
  } else {
    const q = p - 0.5;
    const r = q * q;
    z =
      ((((((-3.969683028665376e1 * r + 2.209460984245205e2) * r - 2.759285104469687e2) * r +
        1.38357751867269e2) *
        r -
        3.066479806614716e1) *
        r +
        2.506628277459239) *
        q) /
      (((((-5.447609879822406e1 * r + 1.615858368580409e2) * r - 1.556989798598866e2) * r +
        6.680131188771972e1) *
        r -
        1.328068155288572e1) *
        r +
        1);
  }
  for (let it = 0; it < 3; it++) {
    const err = lowerTail(z) - p;
    const step = err / phi(z);
    // Halley correction for the curvature of Φ.
    const next = z - step / (1 + 0.5 * z * step);
    if (Math.abs(next - z) <= 1e-16 * Math.abs(z)) {
      z = next;
      break;
    }
    z = next;
  }
  return z;
}

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** log Γ(x) for x > 0 (Lanczos, g = 7). */
export function lgamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
  x -= 1;
  let a = LANCZOS[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction for the incomplete beta (modified Lentz). */
function betaCf(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 100000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return h;
}

/** Regularised incomplete beta I_x(a, b). */
export function betainc(a: number, b: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lbt = lgamma(a + b) - lgamma(a) - lgamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(lbt) * betaCf(a, b, x)) / a;
  return 1 - (Math.exp(lbt) * betaCf(b, a, 1 - x)) / b;
}

/** Inverse of I_x(a, b) in x (the Beta(a, b) quantile), by safeguarded bisection + Newton. */
export function betaincinv(a: number, b: number, p: number): number {
  if (!(a > 0) || !(b > 0) || Number.isNaN(p)) return Number.NaN;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  let lo = 0;
  let hi = 1;
  let x = a / (a + b);
  const lbeta = lgamma(a) + lgamma(b) - lgamma(a + b);
  for (let it = 0; it < 200; it++) {
    const f = betainc(a, b, x) - p;
    if (f === 0) return x;
    if (f < 0) lo = x;
    else hi = x;
    const logPdf = (a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - lbeta;
    let next = x - f / Math.exp(logPdf);
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (Math.abs(next - x) <= 1e-15 * Math.max(x, 1e-300) || hi - lo <= 1e-16 * hi) return next;
    x = next;
  }
  return x;
}

/** log Σ exp(x[off + i]) for i < n, optionally weighted: log Σ exp(x) − log(bInv). */
export function logSumExp(x: Float64Array, off: number, n: number): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) if (x[off + i] > max) max = x[off + i];
  if (max === Number.NEGATIVE_INFINITY) return max;
  if (!Number.isFinite(max)) return max;
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.exp(x[off + i] - max);
  return max + Math.log(s);
}
