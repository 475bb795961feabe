import { TWO_OVER_SQRT_PI } from "./constants.js";

const INV_SQRT_PI = 0.5641895835477563;

/** erf(x) = (2/√π) e^{−x²} Σ 2ⁿ x^{2n+1} / (1·3·…·(2n+1)): all terms positive, for |x| < 2. */
function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 0; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 3);
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
}

/** erfc(x) for x ≥ 2 by Lentz's method on the continued fraction e^{−x²}/√π · 1/(x + ½/(x + 1/(x + 3/2/(x + …)))). */
function erfcFraction(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    d = x + a * d;
    d = d === 0 ? tiny : 1 / d;
    c = x + a / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return (INV_SQRT_PI * Math.exp(-x * x)) / f;
}

/** The error function erf(x) for a JS number; relative error ≤ 1e-14. */
export function erfScalar(x: number): number {
  if (Number.isNaN(x)) return x;
  const ax = Math.abs(x);
  if (ax < 2) return x < 0 ? -erfSeries(ax) : erfSeries(ax);
  if (ax > 6) return x < 0 ? -1 : 1; // 1 − erf(6) ≈ 2e-17 rounds away; also the limits at ±∞
  const v = 1 - erfcFraction(ax);
  return x < 0 ? -v : v;
}

/** The complementary error function erfc(x) = 1 − erf(x) for a JS number; relative error ≤ 1e-13 (tails included). */
export function erfcScalar(x: number): number {
  if (Number.isNaN(x)) return x;
  if (x < -6) return 2; // erfc(−6) = 2 − 2e-17 rounds to 2; also the limit at −∞
  if (x < 2) return x > -2 ? 1 - (x < 0 ? -erfSeries(-x) : erfSeries(x)) : 2 - erfcFraction(-x);
  if (x > 27.3) return 0;
  return erfcFraction(x);
}
