/** Logistic 1/(1 + e⁻ˣ) without overflow for large |x|. */
export function logisticScalar(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** Rounds to the nearest integer, ties to even (NumPy's `round`). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** sin(πx) with exact argument reduction (exact zeros at integers). */
export function sinpi(x: number): number {
  const n = Math.round(x);
  const r = x - n; // exact, |r| ≤ ½
  const s = Math.sin(Math.PI * r);
  return n % 2 === 0 ? s : -s;
}

/** cot(πx) with exact argument reduction (period 1), exactly 0 at half-integers (where 1/tan(π/2) is 6e-17). */
export function cotpi(x: number): number {
  const r = x - Math.round(x);
  return Math.abs(r) === 0.5 ? 0 : 1 / Math.tan(Math.PI * r);
}

/** tan(πx) with exact argument reduction (period 1). */
export function tanpi(x: number): number {
  return Math.tan(Math.PI * (x - Math.round(x)));
}
