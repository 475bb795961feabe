/**
 * Kernels composed from tfjs ops for the primitives tfjs has no kernel for: lgamma, digamma, polygamma,
 * erfc, ndtri, cholesky and triangularSolve. They run on the device (no read-back), in float32, so backends
 * without synchronous read-back (WebGPU) use them; on wasm they are opt-in (`wasm({ composites: true })`).
 */

import { cotDerivativePolynomial, type DType, type KernelArg, type PrimitiveName } from "@phlox/tensor";
import * as tf from "@tensorflow/tfjs-core";
import type { TfTensor } from "./handles.js";
import type { KernelSpec } from "./kernels.js";

const isF = (d: DType): boolean => d === "float32" || d === "float64";
const toF = (x: TfTensor): TfTensor => (x.dtype === "float32" ? x : tf.cast(x, "float32"));
const HALF_LOG_2PI = 0.9189385332046728;
const SHIFT = 8;

// π/2 split in three parts (Cody–Waite) so that x − k·π/2 stays accurate in float32 for |x| up to ~1e4.
const PIO2_1 = 1.5703125;
const PIO2_2 = 0.00048375129699707031;
const PIO2_3 = 7.549789954891882e-8;

/** sin and cos of x by reduction to [−π/4, π/4] and float32 minimax polynomials; also the quadrant. */
const sincos = (x: TfTensor): { s: TfTensor; c: TfTensor; q: TfTensor } => {
  const k = tf.round(tf.mul(x, 2 / Math.PI));
  const r = tf.sub(tf.sub(tf.sub(x, tf.mul(k, PIO2_1)), tf.mul(k, PIO2_2)), tf.mul(k, PIO2_3));
  const z = tf.mul(r, r);
  const s = tf.add(
    r,
    tf.mul(
      tf.mul(r, z),
      tf.add(-1.6666654611e-1, tf.mul(z, tf.add(8.3321608736e-3, tf.mul(z, -1.9515295891e-4)))),
    ),
  );
  const c = tf.add(
    tf.sub(1, tf.mul(z, 0.5)),
    tf.mul(
      tf.mul(z, z),
      tf.add(4.166664568298827e-2, tf.mul(z, tf.add(-1.388731625493765e-3, tf.mul(z, 2.443315711809948e-5)))),
    ),
  );
  const q = tf.sub(k, tf.mul(tf.floor(tf.div(k, 4)), 4));
  return { s, c, q };
};
const quadrant = (q: TfTensor, v0: TfTensor, v1: TfTensor, v2: TfTensor, v3: TfTensor): TfTensor =>
  tf.where(tf.equal(q, 0), v0, tf.where(tf.equal(q, 1), v1, tf.where(tf.equal(q, 2), v2, v3)));
const sinA = (x: TfTensor): TfTensor => {
  const { s, c, q } = sincos(x);
  return quadrant(q, s, c, tf.neg(s), tf.neg(c));
};
const cosA = (x: TfTensor): TfTensor => {
  const { s, c, q } = sincos(x);
  return quadrant(q, c, tf.neg(s), tf.neg(c), s);
};
const tanA = (x: TfTensor): TfTensor => {
  const { s, c, q } = sincos(x);
  const odd = tf.equal(tf.sub(q, tf.mul(tf.floor(tf.div(q, 2)), 2)), 1);
  return tf.where(odd, tf.neg(tf.div(c, s)), tf.div(s, c));
};

/**
 * sin(πx) and cos(πx) with the reduction done on x, not on πx (which would lose |x|·ε): r = x − round(x) in
 * [−½, ½] and t = r − k/2 in [−¼, ¼] with k = round(2r) are exact in float32. Returns sin and cos of πt and
 * whether k = 0; for k = ±1, sin(πr) = ±cos(πt) and cos(πr) = ∓sin(πt). Exact zeros at (half-)integers.
 */
const sincosPi = (x: TfTensor): { s: TfTensor; c: TfTensor; k0: TfTensor } => {
  const r = tf.sub(x, tf.round(x));
  const k = tf.round(tf.mul(r, 2));
  const { s, c } = sincos(tf.mul(tf.sub(r, tf.mul(k, 0.5)), Math.PI));
  return { s, c, k0: tf.equal(k, 0) };
};
/** cot(πx): exactly 0 at half-integers, ±∞ at integers. */
const cotPi = (x: TfTensor): TfTensor => {
  const { s, c, k0 } = sincosPi(x);
  return tf.where(k0, tf.div(c, s), tf.neg(tf.div(s, c)));
};
/** |sin(πx)|. */
const absSinPi = (x: TfTensor): TfTensor => {
  const { s, c, k0 } = sincosPi(x);
  return tf.abs(tf.where(k0, s, c));
};

/** Stirling series for log Γ(y), y ≥ 8 (truncation error < 3e-10). */
const stirling = (y: TfTensor): TfTensor => {
  const r = tf.reciprocal(y);
  const r2 = tf.mul(r, r);
  const series = tf.mul(r, tf.add(1 / 12, tf.mul(r2, tf.add(-1 / 360, tf.mul(r2, 1 / 1260)))));
  return tf.add(tf.sub(tf.mul(tf.sub(y, 0.5), tf.log(y)), y), tf.add(series, HALF_LOG_2PI));
};

/** log Γ(x) for x ≥ 0.5: Stirling at x + 8 and the product (x)(x+1)…(x+7) below 8. */
const lgammaPos = (x: TfTensor): TfTensor => {
  const small = tf.less(x, SHIFT);
  let prod = x;
  for (let k = 1; k < SHIFT; k++) prod = tf.mul(prod, tf.add(x, k));
  const shifted = tf.sub(stirling(tf.add(x, SHIFT)), tf.log(tf.where(small, prod, tf.onesLike(x))));
  return tf.where(small, shifted, stirling(tf.maximum(x, SHIFT)));
};

/** log |Γ(x)| with the reflection formula below ½. */
const lgamma = (x: TfTensor): TfTensor => {
  const refl = tf.less(x, 0.5);
  const xr = tf.where(refl, tf.sub(1, x), x);
  const l = lgammaPos(xr);
  const sinpx = absSinPi(x);
  return tf.where(refl, tf.sub(tf.log(tf.div(Math.PI, sinpx)), l), l);
};

/** ψ(x): recurrence up to x + 8, asymptotic series there; reflection for x ≤ 0. */
const digamma = (x: TfTensor): TfTensor => {
  const refl = tf.lessEqual(x, 0);
  const xr = tf.where(refl, tf.sub(1, x), x);
  let acc = tf.zerosLike(xr);
  for (let k = 0; k < SHIFT; k++) acc = tf.add(acc, tf.reciprocal(tf.add(xr, k)));
  const y = tf.add(xr, SHIFT);
  const r = tf.reciprocal(y);
  const r2 = tf.mul(r, r);
  const tail = tf.mul(
    r2,
    tf.add(-1 / 12, tf.mul(r2, tf.add(1 / 120, tf.mul(r2, tf.add(-1 / 252, tf.mul(r2, 1 / 240)))))),
  );
  const psi = tf.sub(tf.add(tf.sub(tf.log(y), tf.mul(r, 0.5)), tail), acc);
  const cot = tf.mul(cotPi(x), Math.PI);
  // poles at 0, −1, −2, …: NaN, as the reference kernel
  const pole = tf.logicalAnd(refl, tf.equal(x, tf.floor(x)));
  return tf.where(pole, tf.fill(x.shape, Number.NaN), tf.where(refl, tf.sub(psi, cot), psi));
};

const factorial = (n: number): number => {
  let f = 1;
  for (let k = 2; k <= n; k++) f *= k;
  return f;
};
const BERNOULLI = [1 / 6, -1 / 30, 1 / 42, -1 / 30];

/** ψ⁽ⁿ⁾(x), n ≥ 1, x > 0: the sum over the first 8 shifts plus the asymptotic series at x + 8. */
const polygammaPos = (x: TfTensor, n: number): TfTensor => {
  const sign = n % 2 === 1 ? 1 : -1;
  const nf = factorial(n);
  let acc = tf.zerosLike(x);
  for (let k = 0; k < SHIFT; k++) acc = tf.add(acc, tf.pow(tf.add(x, k), -(n + 1)));
  const y = tf.add(x, SHIFT);
  const r = tf.reciprocal(y);
  let series = tf.add(tf.mul(tf.pow(r, n), factorial(n - 1)), tf.mul(tf.pow(r, n + 1), nf / 2));
  BERNOULLI.forEach((b, j) => {
    const k = 2 * (j + 1);
    series = tf.add(series, tf.mul(tf.pow(r, k + n), (b * factorial(k + n - 1)) / factorial(k)));
  });
  return tf.mul(tf.add(tf.mul(acc, nf), series), sign);
};

/**
 * ψ⁽ⁿ⁾(x), n ≥ 1: for x ≤ 0 by reflection, as the reference kernel (`polygammaScalar`):
 * ψ⁽ⁿ⁾(x) = (−1)ⁿ ψ⁽ⁿ⁾(1 − x) − πⁿ⁺¹ Pₙ(cot πx), with Pₙ from `cotDerivativePolynomial`. Non-positive integers
 * give +∞ for odd n and NaN for even n (poles of both signs).
 */
const polygamma = (x: TfTensor, n: number): TfTensor => {
  const refl = tf.lessEqual(x, 0);
  const base = polygammaPos(tf.where(refl, tf.sub(1, x), x), n);
  const cot = cotPi(x);
  const p = cotDerivativePolynomial(n);
  let poly = tf.fill(x.shape, p[p.length - 1] as number);
  for (let k = p.length - 2; k >= 0; k--) poly = tf.add(tf.mul(poly, cot), p[k] as number);
  const reflected = tf.sub(n % 2 === 0 ? base : tf.neg(base), tf.mul(poly, Math.PI ** (n + 1)));
  const pole = tf.logicalAnd(refl, tf.equal(x, tf.floor(x)));
  const atPole = tf.fill(x.shape, n % 2 === 1 ? Number.POSITIVE_INFINITY : Number.NaN);
  return tf.where(pole, atPole, tf.where(refl, reflected, base));
};

const ERFC_C = [
  -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587,
  -0.82215223, 0.17087277,
];

/** erfc(x): Chebyshev fit t·exp(−z² + P(t)), t = 1/(1 + z/2), fractional error < 1.2e-7; 2 − erfc(−x) below 0. */
const erfc = (x: TfTensor): TfTensor => {
  const z = tf.abs(x);
  const t = tf.reciprocal(tf.add(tf.mul(z, 0.5), 1));
  let p = tf.fill(x.shape, ERFC_C[9] as number);
  for (let k = 8; k >= 0; k--) p = tf.add(tf.mul(p, t), ERFC_C[k] as number);
  const ans = tf.mul(t, tf.exp(tf.sub(p, tf.mul(z, z))));
  return tf.where(tf.less(x, 0), tf.sub(2, ans), ans);
};

const A = [
  -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
  2.506628277459239,
];
const B = [
  -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572, 1,
];
const C = [
  -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
];
const D = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416, 1];

const horner = (x: TfTensor, cs: readonly number[]): TfTensor => {
  let p = tf.fill(x.shape, cs[0] as number);
  for (let k = 1; k < cs.length; k++) p = tf.add(tf.mul(p, x), cs[k] as number);
  return p;
};

/** Φ⁻¹(p): Acklam's rational approximations (central and tail regions) refined by one Halley step. */
const ndtri = (p: TfTensor): TfTensor => {
  const PLOW = 0.02425;
  const q = tf.sub(p, 0.5);
  const r = tf.mul(q, q);
  const central = tf.div(tf.mul(horner(r, A), q), horner(r, B));
  const tailP = tf.minimum(p, tf.sub(1, p));
  const qt = tf.sqrt(tf.mul(tf.log(tf.maximum(tailP, 1e-38)), -2));
  const tail = tf.div(horner(qt, C), horner(qt, D));
  const tailed = tf.where(tf.less(p, 0.5), tail, tf.neg(tail));
  const x0 = tf.where(tf.less(tailP, PLOW), tailed, central);
  // One Halley step on Φ(x) − p (float32 evaluation of the rational fits loses ~1e-5 to cancellation).
  const e = tf.sub(tf.mul(erfc(tf.mul(x0, -Math.SQRT1_2)), 0.5), p);
  const u = tf.mul(tf.mul(e, Math.sqrt(2 * Math.PI)), tf.exp(tf.mul(tf.mul(x0, x0), 0.5)));
  const out = tf.sub(x0, tf.div(u, tf.add(tf.mul(tf.mul(x0, u), 0.5), 1)));
  const edge = tf.where(
    tf.equal(p, 0),
    tf.fill(p.shape, Number.NEGATIVE_INFINITY),
    tf.fill(p.shape, Number.POSITIVE_INFINITY),
  );
  return tf.where(tf.logicalOr(tf.equal(p, 0), tf.equal(p, 1)), edge, out);
};

/** A slice of `len` entries from `start` along `axis` (negative axes count from the end). */
const along = (x: TfTensor, axis: number, start: number, len: number): TfTensor => {
  const ax = axis < 0 ? x.rank + axis : axis;
  const begin = x.shape.map(() => 0);
  const size = x.shape.map(() => -1);
  begin[ax] = start;
  size[ax] = len;
  return tf.slice(x, begin, size);
};
const swapLast = (x: TfTensor): TfTensor => {
  const perm = x.shape.map((_, i) => i);
  const r = x.rank;
  perm[r - 1] = r - 2;
  perm[r - 2] = r - 1;
  return tf.transpose(x, perm);
};

/** Lower Cholesky factor, column by column (n steps of matmul-vector updates; batched). */
const cholesky = (a: TfTensor): TfTensor => {
  const n = a.shape[a.rank - 1] as number;
  if (n === 0) return a;
  const cols: TfTensor[] = [];
  let positive: TfTensor | null = null; // [..., 1]: every pivot so far > 0
  for (let j = 0; j < n; j++) {
    let c = tf.squeeze(along(a, -1, j, 1), [a.rank - 1]); // [..., n]
    if (j > 0) {
      const lp = tf.stack(cols, -1); // [..., n, j]
      const row = along(lp, -2, j, 1); // [..., 1, j]
      c = tf.sub(c, tf.squeeze(tf.matMul(lp, row, false, true), [a.rank - 1]));
    }
    const pivot = along(c, -1, j, 1); // [..., 1]
    const ok = tf.greater(pivot, 0);
    positive = positive === null ? ok : tf.logicalAnd(positive, ok);
    const d = tf.sqrt(pivot);
    const mask = tf.tensor1d(
      Array.from({ length: n }, (_, i) => (i >= j ? 1 : 0)),
      "float32",
    );
    cols.push(tf.mul(tf.div(c, d), mask));
  }
  const l = tf.stack(cols, -1);
  // As the reference kernel: a matrix that is not positive definite (a pivot ≤ 0 or NaN) is all NaN.
  const keep = tf.broadcastTo(tf.expandDims(positive as TfTensor, -1), l.shape);
  return tf.where(keep, l, tf.fill(l.shape, Number.NaN));
};

/** op(A) X = B (left side) or X op(A) = B, by forward/back substitution over rows (batched). */
const triangularSolve = (
  a: TfTensor,
  b: TfTensor,
  p: { lower: boolean; transposeA: boolean; leftSide: boolean },
): TfTensor => {
  const transposed = p.leftSide ? p.transposeA : !p.transposeA;
  const t = transposed ? swapLast(a) : a;
  const lower = transposed ? !p.lower : p.lower;
  const rhs = p.leftSide ? b : swapLast(b); // [..., n, m]
  const n = t.shape[t.rank - 1] as number;
  const rows: TfTensor[] = new Array(n);
  const order = lower
    ? Array.from({ length: n }, (_, i) => i)
    : Array.from({ length: n }, (_, i) => n - 1 - i);
  order.forEach((i, step) => {
    let r = along(rhs, -2, i, 1); // [..., 1, m]
    if (step > 0) {
      const done = lower ? rows.slice(0, i) : rows.slice(i + 1);
      const known = tf.concat(done as TfTensor[], -2); // [..., step, m]
      const coef = lower
        ? along(along(t, -2, i, 1), -1, 0, i)
        : along(along(t, -2, i, 1), -1, i + 1, n - 1 - i);
      r = tf.sub(r, tf.matMul(coef, known));
    }
    const diag = along(along(t, -2, i, 1), -1, i, 1); // [..., 1, 1]
    rows[i] = tf.div(r, diag);
  });
  const x = tf.concat(rows, -2);
  return p.leftSide ? x : swapLast(x);
};

const floatOnly = <P extends PrimitiveName>(
  primitive: P,
  f: (xs: TfTensor[], params: never) => TfTensor,
): KernelSpec<P> => ({
  primitive,
  run: (xs, params, ins) =>
    ins.every((a: KernelArg) => isF(a.dtype)) ? f(xs.map(toF), params as never) : null,
});

/**
 * sin, cos and tan by Cody–Waite reduction and float32 polynomials (≤ 2 ulp on |x| ≤ 1e4): WGSL's built-in
 * trigonometry only promises an absolute error of 2⁻¹¹, which SwiftShader shows.
 */
export const trigKernels: readonly KernelSpec[] = [
  floatOnly("cos", ([x]) => cosA(x as TfTensor)),
  floatOnly("sin", ([x]) => sinA(x as TfTensor)),
  floatOnly("tan", ([x]) => tanA(x as TfTensor)),
] as KernelSpec[];

/** The composed kernels, sorted by name. */
export const compositeKernels: readonly KernelSpec[] = [
  floatOnly("cholesky", ([a]) => cholesky(a as TfTensor)),
  floatOnly("digamma", ([x]) => digamma(x as TfTensor)),
  floatOnly("erfc", ([x]) => erfc(x as TfTensor)),
  floatOnly("lgamma", ([x]) => lgamma(x as TfTensor)),
  floatOnly("ndtri", ([x]) => ndtri(x as TfTensor)),
  floatOnly("polygamma", ([x], p: { n: number }) => polygamma(x as TfTensor, p.n)),
  floatOnly("triangularSolve", ([a, b], p: { lower: boolean; transposeA: boolean; leftSide: boolean }) =>
    triangularSolve(a as TfTensor, b as TfTensor, p),
  ),
] as KernelSpec[];
