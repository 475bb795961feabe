/** Small scalar and dense linear-algebra helpers on Float64Array (row-major), allocation-free. */

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
 * value is formed in BigInt arithmetic and rounded by `Number`. Exact only where that rounding is the last
 * one: finite arguments of moderate exponents (|a|, |b|, |c| between about 2⁻⁴⁵⁰ and 2⁴⁵⁰, so the exact sum
 * converts without overflow and 2ᵉ stays a normal double) whose result is 0 or a normal double — the range of
 * `hiddenDegrees` (slow, not for inner loops). Non-finite arguments give a·b + c.
 */
export function fma(a: number, b: number, c: number): number {
  if (a === 0 || b === 0 || c === 0 || !Number.isFinite(a * b) || !Number.isFinite(c)) return a * b + c;
  const [ma, ea] = dyadic(a);
  const [mb, eb] = dyadic(b);
  const [mc, ec] = dyadic(c);
  const ep = ea + eb;
  const e = Math.min(ep, ec);
  return Number(((ma * mb) << BigInt(ep - e)) + (mc << BigInt(ec - e))) * 2 ** e;
}
