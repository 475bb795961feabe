import { EULER_GAMMA, HALF_LOG_2PI, LOG_PI } from "./constants.js";
import { sinpi } from "./elementary.js";

/** ζ(k) − 1 for k = 2 … 41 (scipy.special.zetac). */
export const ZETAC = [
  0.6449340668482264, 0.2020569031595943, 0.08232323371113819, 0.03692775514336993, 0.01734306198444914,
  0.008349277381922827, 0.00407735619794434, 0.0020083928260822143, 0.0009945751278180853,
  0.0004941886041194645, 0.0002460865533080483, 0.00012271334757848915, 6.124813505870483e-5,
  3.058823630702049e-5, 1.528225940865187e-5, 7.637197637899763e-6, 3.81729326499984e-6, 1.908212716553939e-6,
  9.539620338727962e-7, 4.769329867878064e-7, 2.38450502727733e-7, 1.1921992596531106e-7,
  5.960818905125948e-8, 2.980350351465228e-8, 1.4901554828365043e-8, 7.45071178983543e-9,
  3.725334024788457e-9, 1.862659723513049e-9, 9.313274324196682e-10, 4.656629065033784e-10,
];

/** Σ_{k≥2} (−1)ᵏ (ζ(k) − 1)/k · tᵏ for |t| ≤ ½ (terms shrink like (t/2)ᵏ). */
function zetaSeries(t: number): number {
  let s = 0;
  let tk = t * t;
  for (let k = 2; k < 32; k++) {
    const term = (ZETAC[k - 2] / k) * tk;
    s += k % 2 === 0 ? term : -term;
    if (Math.abs(term) < 1e-17 * Math.abs(s)) break;
    tk *= t;
  }
  return s;
}

/** Stirling correction lgamma(x) − [(x − ½) log x − x + ½ log 2π] for x ≥ 10. */
export function stirlingCorrection(x: number): number {
  const r = 1 / x;
  const r2 = r * r;
  return (
    r *
    (1 / 12 +
      r2 *
        (-1 / 360 +
          r2 * (1 / 1260 + r2 * (-1 / 1680 + r2 * (1 / 1188 + r2 * (-691 / 360360 + r2 * (1 / 156)))))))
  );
}

function lgammaPositive(x: number): number {
  if (x < 0.5) return lgammaPositive(x + 1) - Math.log(x); // lgamma(1 + x) − log x
  if (x < 1.5) {
    const t = x - 1; // lgamma(1 + t) = −log1p(t) + t(1 − γ) + S(t)
    return -Math.log1p(t) + t * (1 - EULER_GAMMA) + zetaSeries(t);
  }
  if (x < 2.5) {
    const t = x - 2; // lgamma(2 + t) = t(1 − γ) + S(t)
    return t * (1 - EULER_GAMMA) + zetaSeries(t);
  }
  if (x < 3) return Math.log(x - 1) + lgammaPositive(x - 1);
  if (x < 10) {
    let p = 1;
    let y = x;
    while (y < 10) {
      p *= y;
      y += 1;
    }
    return lgammaPositive(y) - Math.log(p);
  }
  return (x - 0.5) * Math.log(x) - x + HALF_LOG_2PI + stirlingCorrection(x);
}

/**
 * log |Γ(x)| for a JS number (+∞ at non-positive integers and at ±∞ … as scipy.special.gammaln).
 * Relative error ≤ 1e-13 for x > 0 (series about 1 and 2, Stirling above 10); for x < 0 (reflection) the
 * absolute error is ≤ 1e-13·(1 + |log Γ(x)|).
 */
export function lgammaScalar(x: number): number {
  if (Number.isNaN(x)) return x;
  if (x === Number.POSITIVE_INFINITY || x === Number.NEGATIVE_INFINITY) return Number.POSITIVE_INFINITY;
  if (x > 0) return lgammaPositive(x);
  if (Number.isInteger(x)) return Number.POSITIVE_INFINITY;
  // Reflection: Γ(x)Γ(1 − x) = π / sin(πx).
  return LOG_PI - Math.log(Math.abs(sinpi(x))) - lgammaPositive(1 - x);
}
