/** Small scalar and dense linear-algebra helpers on Float64Array (row-major), allocation-free. */
import { erfScalar } from "@phlox/tensor";

/** softplus(x) = log(1 + eˣ), stable for large |x|. */
export function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/** The inverse of softplus: log(eʸ − 1) for y > 0. */
export function softplusInv(y: number): number {
  return y + Math.log(-Math.expm1(-y));
}

/** σ(x) = 1 / (1 + e⁻ˣ), the derivative of softplus. */
export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/**
 * In-place Cholesky factorization of the n×n symmetric positive-definite `a` (row-major, from offset 0):
 * the lower factor L overwrites the lower triangle, the strict upper triangle is zeroed.
 * @returns false (leaving `a` partly overwritten) when `a` is not numerically positive definite.
 */
export function choleskyInPlace(a: Float64Array, n: number): boolean {
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j];
    for (let k = 0; k < j; k++) d -= a[j * n + k] * a[j * n + k];
    if (!(d > 0)) return false;
    const ljj = Math.sqrt(d);
    a[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= a[i * n + k] * a[j * n + k];
      a[i * n + j] = s / ljj;
    }
    for (let k = j + 1; k < n; k++) a[j * n + k] = 0;
  }
  return true;
}

/** Solves L Lᵀ x = b in place (`b` becomes x) for the lower Cholesky factor L (n×n row-major). */
export function cholSolveInPlace(L: Float64Array, n: number, b: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i * n + k] * b[k];
    b[i] = s / L[i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i];
    for (let k = i + 1; k < n; k++) s -= L[k * n + i] * b[k];
    b[i] = s / L[i * n + i];
  }
}

/** The inverse of the symmetric positive-definite n×n `a` (a copy), or null when it is not positive definite. */
export function spdInverse(a: Float64Array, n: number): Float64Array | null {
  const L = Float64Array.from(a);
  if (!choleskyInPlace(L, n)) return null;
  const inv = new Float64Array(n * n);
  const col = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    col.fill(0);
    col[j] = 1;
    cholSolveInPlace(L, n, col);
    for (let i = 0; i < n; i++) inv[i * n + j] = col[i];
  }
  return inv;
}

// Acklam's coefficients: central region (A, B) and tail (C, D)
const A = [
  -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
  2.506628277459239,
];
const B = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
const C = [
  -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
];
const D = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
const P_TAIL = 0.02425;
const SQRT_2PI = Math.sqrt(2 * Math.PI);
const HALF_SQRT_2PI = 0.5 * SQRT_2PI;

// Chebyshev coefficients of erfc (Numerical Recipes, 3rd ed., Erf::erfccheb)
const ERFC_COF = [
  -1.3026537197817094, 0.6419697923564902, 1.9476473204185836e-2, -9.561514786808631e-3, -9.46595344482036e-4,
  3.66839497852761e-4, 4.2523324806907e-5, -2.0278578112534e-5, -1.624290004647e-6, 1.30365583558e-6,
  1.5626441722e-8, -8.5238095915e-8, 6.529054439e-9, 5.059343495e-9, -9.91364156e-10, -2.27365122e-10,
  9.6467911e-11, 2.394038e-12, -6.886027e-12, 8.94487e-13, 3.13092e-13, -1.12708e-13, 3.81e-16, 7.106e-15,
  -1.523e-15, -9.4e-17, 1.21e-16, -2.8e-17,
];

/**
 * Φ⁻¹(p), the standard normal quantile: Acklam's rational approximation (relative error 1.2e-9) refined by one
 * step on a residual that keeps the accuracy of p. Exactly 0 at p = 0.5, and odd about it: the upper half is
 * −Φ⁻¹(1 − p), with 1 − p exact there, so p near 1 is as accurate as p near 0.
 * - p in [0.25, 0.5): a Halley step on ½·erf(x/√2) − (p − ½) (p − ½ is exact there; Φ(x) − p would cancel
 *   near ½: at p = ½ + 2⁻⁵² it gave half the quantile).
 * - p in [0.02425, 0.25): a Halley step on Φ(x) − p with Φ from erfc.
 * - p < 0.02425: a Newton step on log Φ(x) − log p, with log Φ from erfc's exponent (exp(x²/2) would overflow
 *   for subnormal p).
 * Measured against scipy's `ndtri`: within 2 ulp at every probability src/internal/math.test.ts checks (5e-324
 * to 1 − 2⁻⁵³, including ½ ± k·2⁻⁵²; scripts/ndtri_reference.py), and within 6 ulp (relative 9e-16) on 10⁵
 * random probabilities (log-uniform from 1e-300 to ½, uniform on (0, 1), within 2⁻²⁴ of ½, and 1 − 10⁻¹⁶…1 − 0.1).
 */
export function ndtri(p: number): number {
  if (p <= 0) return p === 0 ? Number.NEGATIVE_INFINITY : Number.NaN;
  if (p >= 1) return p === 1 ? Number.POSITIVE_INFINITY : Number.NaN;
  if (p === 0.5) return 0;
  if (p > 0.5) return -ndtri(1 - p);
  if (p < P_TAIL) {
    const q = Math.sqrt(-2 * Math.log(p));
    const x =
      (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) /
      ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
    // Φ(x) = erfc(z)/2 = t·exp(−z² + s)/2 with z = −x/√2 > 0; Φ(x)/φ(x) = t·exp(s)·√(2π)/2
    const z = -x * Math.SQRT1_2;
    const t = 2 / (2 + z);
    const s = erfcExponent(t);
    const logPhi = Math.log(t) - z * z + s - Math.LN2;
    return x - (logPhi - Math.log(p)) * t * Math.exp(s) * HALF_SQRT_2PI;
  }
  const q = p - 0.5;
  const r = q * q;
  const x =
    ((((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q) /
    (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1);
  const e = p >= 0.25 ? 0.5 * erfScalar(x * Math.SQRT1_2) - q : 0.5 * erfc(-x * Math.SQRT1_2) - p;
  const u = e * SQRT_2PI * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

/** s with erfc(z) = t·exp(−z² + s) for z ≥ 0 and t = 2/(2 + z). */
function erfcExponent(t: number): number {
  const ty = 4 * t - 2;
  let d = 0;
  let dd = 0;
  for (let j = ERFC_COF.length - 1; j > 0; j--) {
    const tmp = d;
    d = ty * d - dd + ERFC_COF[j];
    dd = tmp;
  }
  return 0.5 * (ERFC_COF[0] + ty * d) - dd;
}

/** erfc(x), the complementary error function (Numerical Recipes' Chebyshev fit, relative error < 1.2e-16). */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 2 / (2 + z);
  const r = t * Math.exp(-z * z + erfcExponent(t));
  return x >= 0 ? r : 2 - r;
}

const F64 = new Float64Array(1);
const U64 = new BigUint64Array(F64.buffer);

/** A finite double as m·2ᵉ exactly (m a BigInt). */
function dyadic(x: number): [bigint, number] {
  F64[0] = x;
  const bits = U64[0];
  const ex = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & 0xfffffffffffffn;
  const m = ex === 0 ? frac : frac | 0x10000000000000n;
  return [bits >> 63n ? -m : m, (ex === 0 ? 1 : ex) - 1075];
}

/**
 * a·b + c rounded once (to nearest, ties to even), as a fused multiply-add instruction computes it: the exact
 * value is formed in BigInt arithmetic and rounded by `Number`. For finite arguments whose exact result is 0 or
 * a normal double, and whose m·2ᵉ exponents stay above −1074 (enough for `hiddenDegrees`; slow, not for inner
 * loops).
 */
export function fma(a: number, b: number, c: number): number {
  if (a === 0 || b === 0 || c === 0) return a * b + c;
  const [ma, ea] = dyadic(a);
  const [mb, eb] = dyadic(b);
  const [mc, ec] = dyadic(c);
  const ep = ea + eb;
  const e = Math.min(ep, ec);
  return Number(((ma * mb) << BigInt(ep - e)) + (mc << BigInt(ec - e))) * 2 ** e;
}
