import { ConstraintError } from "../core/errors.js";
import { cotpi, sinpi } from "./elementary.js";

/** B₂ⱼ/(2j)! for j = 1 … 10 (Euler–Maclaurin tail of the Hurwitz zeta function). */
const B2J_OVER_FACT = [
  1 / 12,
  -1 / 720,
  1 / 30240,
  -1 / 1209600,
  1 / 47900160,
  -691 / 1307674368000,
  1 / 74724249600,
  -3617 / 10670622842880000,
  43867 / 5109094217170944000,
  -174611 / 802857662698291200000,
];

/** Hurwitz zeta ζ(s, a) = Σ_{k≥0} (a + k)⁻ˢ for s > 1, a > 0 (recurrence, then Euler–Maclaurin). */
export function hurwitzZeta(s: number, a: number): number {
  let acc = 0;
  const big = 12 + s;
  while (a < big) {
    acc += a ** -s;
    a += 1;
  }
  // ζ(s, a) ≈ a^{1−s}/(s−1) + a^{−s}/2 + Σ_j B₂ⱼ/(2j)! · s(s+1)…(s+2j−2) · a^{−s−2j+1}
  let sum = a ** (1 - s) / (s - 1) + 0.5 * a ** -s;
  let rising = s; // s(s+1)…(s+2j−2)
  let pw = a ** (-s - 1);
  const inv2 = 1 / (a * a);
  for (let j = 0; j < B2J_OVER_FACT.length; j++) {
    const term = B2J_OVER_FACT[j] * rising * pw;
    sum += term;
    if (Math.abs(term) < 1e-17 * sum) break;
    rising *= (s + 2 * j + 1) * (s + 2 * j + 2);
    pw *= inv2;
  }
  return acc + sum;
}

/** Pₙ by n, built once per order (polygamma runs per element). */
const COT_POLYS: number[][] = [];

/** Pₙ's coefficients, cached (callers must not change them). */
function cotDerivativePoly(n: number): number[] {
  const cached = COT_POLYS[n];
  if (cached) return cached;
  let p = [0, 1];
  for (let k = 0; k < n; k++) {
    const d = p.slice(1).map((a, i) => a * (i + 1)); // Pₖ′
    const q = new Array<number>(d.length + 2).fill(0);
    d.forEach((a, i) => {
      q[i] -= a;
      q[i + 2] -= a;
    });
    p = q;
  }
  COT_POLYS[n] = p;
  return p;
}

/**
 * Coefficients of the polynomial Pₙ with dⁿ/duⁿ cot u = Pₙ(cot u), lowest power first: P₀(c) = c,
 * Pₙ₊₁ = −(1 + c²)·Pₙ′. `polygamma` reflects through it for x < 0; a backend composing its own polygamma
 * kernel uses the same polynomial.
 *
 * @param n - the order of the derivative, a non-negative integer.
 * @returns a fresh array of n + 2 coefficients (index = power of cot u); for n = 1, d/du cot u = −1 − cot² u.
 * @throws ConstraintError `bad-order` unless n is a non-negative integer.
 * @example
 * cotDerivativePolynomial(1); // → [-1, 0, -1]
 */
export function cotDerivativePolynomial(n: number): number[] {
  if (!Number.isInteger(n) || n < 0)
    throw new ConstraintError(
      "bad-order",
      `cotDerivativePolynomial(${n}): the order n must be a non-negative integer (0, 1, 2, ...).`,
    );
  return cotDerivativePoly(n).slice();
}

/**
 * Polygamma ψ⁽ⁿ⁾(x) = (−1)ⁿ⁺¹ n! ζ(n + 1, x) for integer n ≥ 1 and x > 0. For x < 0 by reflection, the n-th
 * derivative of ψ(1 − x) − ψ(x) = π cot(πx): ψ⁽ⁿ⁾(x) = (−1)ⁿ ψ⁽ⁿ⁾(1 − x) − πⁿ⁺¹ Pₙ(cot πx) (for n = 1,
 * π²/sin²(πx) − ψ₁(1 − x)), as scipy and JAX. Non-positive integers give +∞ for odd n and NaN for even n (poles
 * of both signs; JAX gives NaN too, scipy −∞).
 */
export function polygammaScalar(n: number, x: number): number {
  if (Number.isNaN(x)) return x;
  if (x > 0) {
    if (x === Number.POSITIVE_INFINITY) return 0;
    let f = 1;
    for (let k = 2; k <= n; k++) f *= k;
    return (n % 2 === 1 ? f : -f) * hurwitzZeta(n + 1, x);
  }
  if (Number.isInteger(x)) return n % 2 === 1 ? Number.POSITIVE_INFINITY : Number.NaN;
  if (!Number.isFinite(x)) return Number.NaN;
  if (n === 1) return (Math.PI * Math.PI) / sinpi(x) ** 2 - polygammaScalar(1, 1 - x);
  // cot(πx) exactly 0 at half-integers: 6e-17 there would leave a wrong tail in Pₙ for large n or |x|
  const c = cotpi(x);
  const p = cotDerivativePoly(n);
  let poly = 0;
  for (let k = p.length - 1; k >= 0; k--) poly = poly * c + (p[k] as number);
  const reflected = polygammaScalar(n, 1 - x);
  return (n % 2 === 0 ? reflected : -reflected) - Math.PI ** (n + 1) * poly;
}
