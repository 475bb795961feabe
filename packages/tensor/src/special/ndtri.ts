import { SQRT_2PI } from "./constants.js";
import { erfcScalar, erfScalar } from "./erf.js";

// Acklam's rational approximation of Φ⁻¹ (relative error 1.15e-9), refined by Halley steps on Φ(x) − p.
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
const P_LOW = 0.02425;
const SQRT1_2 = Math.SQRT1_2;

function lowerTail(p: number): number {
  const q = Math.sqrt(-2 * Math.log(p));
  let x =
    (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) /
    ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
  for (let it = 0; it < 2; it++) {
    const e = 0.5 * erfcScalar(-x * SQRT1_2) - p;
    const u = e * SQRT_2PI * Math.exp(0.5 * x * x);
    const next = x - u / (1 + 0.5 * x * u);
    // for subnormal p, exp(x²/2) overflows: keep Acklam's estimate (relative error 1.15e-9), not NaN
    if (!Number.isFinite(next)) break;
    x = next;
  }
  return x;
}

/**
 * Inverse standard normal CDF Φ⁻¹(p) for a JS number: −∞ at 0, +∞ at 1, NaN outside [0, 1].
 * Relative error ≤ 1e-13 (Acklam's approximation refined by two Halley steps with an accurate erfc).
 */
export function ndtriScalar(p: number): number {
  if (!(p >= 0 && p <= 1)) return Number.NaN;
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  if (p < P_LOW) return lowerTail(p);
  if (p > 1 - P_LOW) return -lowerTail(1 - p);
  const q = p - 0.5;
  const r = q * q;
  let x =
    ((((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q) /
    (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1);
  for (let it = 0; it < 2; it++) {
    const e = 0.5 * erfScalar(x * SQRT1_2) - q; // Φ(x) − p without cancellation near ½
    const u = e * SQRT_2PI * Math.exp(0.5 * x * x);
    x -= u / (1 + 0.5 * x * u);
  }
  return x;
}
