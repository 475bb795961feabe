/**
 * The one place this package touches `@phlox/tensor`: every distribution, constraint and transform imports
 * its tensor operations from here, with the signatures this package relies on. Compositions that the
 * tensor package does not offer are written here in terms of its primitives.
 */
import * as T from "@phlox/tensor";

export type Tensor = T.Tensor;
export type TensorLike = T.TensorLike;
export type Key = T.Key;
export { ConstraintError, PhloxError, ShapeError } from "@phlox/tensor";

/** Promotes a value to a float64 tensor (tensors pass through). */
export function asTensor(x: TensorLike): Tensor {
  return x instanceof T.Tensor ? x : T.tensor(x);
}

export const add = (a: TensorLike, b: TensorLike): Tensor => T.add(a, b);
export const sub = (a: TensorLike, b: TensorLike): Tensor => T.sub(a, b);
export const mul = (a: TensorLike, b: TensorLike): Tensor => T.mul(a, b);
export const div = (a: TensorLike, b: TensorLike): Tensor => T.div(a, b);
export const pow = (a: TensorLike, b: TensorLike): Tensor => T.pow(a, b);
export const neg = (a: TensorLike): Tensor => T.neg(a);
export const exp = (a: TensorLike): Tensor => T.exp(a);
export const log = (a: TensorLike): Tensor => T.log(a);
export const log1p = (a: TensorLike): Tensor => T.log1p(a);
export const expm1 = (a: TensorLike): Tensor => T.expm1(a);
export const sqrt = (a: TensorLike): Tensor => T.sqrt(a);
export const square = (a: TensorLike): Tensor => T.mul(a, a);
export const abs = (a: TensorLike): Tensor => T.abs(a);
export const sign = (a: TensorLike): Tensor => T.sign(a);
export const floor = (a: TensorLike): Tensor => T.floor(a);
export const tanh = (a: TensorLike): Tensor => T.tanh(a);
export const sin = (a: TensorLike): Tensor => T.sin(a);
export const cos = (a: TensorLike): Tensor => T.cos(a);
export const sigmoid = (a: TensorLike): Tensor => T.logistic(a);
export const softplus = (a: TensorLike): Tensor => T.softplus(a);
export const lgamma = (a: TensorLike): Tensor => T.lgamma(a);
export const digamma = (a: TensorLike): Tensor => T.digamma(a);
export const erf = (a: TensorLike): Tensor => T.erf(a);
export const erfc = (a: TensorLike): Tensor => T.erfc(a);
export const ndtri = (a: TensorLike): Tensor => T.ndtri(a);
export const xlogy = (a: TensorLike, b: TensorLike): Tensor => T.xlogy(a, b);
export const xlog1py = (a: TensorLike, b: TensorLike): Tensor => T.xlog1py(a, b);
export const betaln = (a: TensorLike, b: TensorLike): Tensor => T.betaln(a, b);
export const maximum = (a: TensorLike, b: TensorLike): Tensor => T.maximum(a, b);
export const minimum = (a: TensorLike, b: TensorLike): Tensor => T.minimum(a, b);
export const where = (c: TensorLike, a: TensorLike, b: TensorLike): Tensor => T.where(c, a, b);
export const lt = (a: TensorLike, b: TensorLike): Tensor => T.lt(a, b);
export const le = (a: TensorLike, b: TensorLike): Tensor => T.le(a, b);
export const gt = (a: TensorLike, b: TensorLike): Tensor => T.gt(a, b);
export const ge = (a: TensorLike, b: TensorLike): Tensor => T.ge(a, b);
export const eq = (a: TensorLike, b: TensorLike): Tensor => T.eq(a, b);
export const ne = (a: TensorLike, b: TensorLike): Tensor => T.ne(a, b);
export const and = (a: TensorLike, b: TensorLike): Tensor => T.logicalAnd(a, b);
export const or = (a: TensorLike, b: TensorLike): Tensor => T.logicalOr(a, b);
export const not = (a: TensorLike): Tensor => T.logicalNot(a);
export const isfinite = (a: TensorLike): Tensor => T.isfinite(a);
export const stopGradient = (a: TensorLike): Tensor => T.stopGradient(a);
export const toFloat = (a: TensorLike): Tensor => T.cast(a, "float64");

export const reshape = (a: TensorLike, shape: readonly number[]): Tensor => T.reshape(a, [...shape]);
export const broadcastTo = (a: TensorLike, shape: readonly number[]): Tensor => T.broadcastTo(a, [...shape]);
export const transpose = (a: TensorLike, perm: readonly number[]): Tensor => T.transpose(a, [...perm]);
export const concatenate = (xs: readonly TensorLike[], axis: number): Tensor => T.concatenate([...xs], axis);
export const matmul = (a: TensorLike, b: TensorLike): Tensor => T.matmul(a, b);
export const cholesky = (a: TensorLike): Tensor => T.cholesky(a);
/** Solves `a x = b` (leftSide) for lower/upper triangular `a`, optionally transposed. */
export const triangularSolve = (
  a: TensorLike,
  b: TensorLike,
  options: { lower: boolean; transposeA?: boolean },
): Tensor =>
  T.triangularSolve(a, b, { lower: options.lower, transposeA: options.transposeA ?? false, leftSide: true });
export const take = (a: TensorLike, idx: TensorLike, axis: number): Tensor => T.take(a, idx, axis);
export const cumsum = (a: TensorLike, axis: number, reverse = false): Tensor => T.cumsum(a, axis, reverse);
export const eye = (n: number): Tensor => T.eye(n);
export const zeros = (shape: readonly number[]): Tensor => T.zeros([...shape]);
export const ones = (shape: readonly number[]): Tensor => T.ones([...shape]);
export const full = (shape: readonly number[], v: number): Tensor => T.full([...shape], v);
export const arange = (n: number): Tensor => T.arange(n);

/** Sum over the given axes (negative axes count from the end). */
export const sum = (a: TensorLike, axes: number | readonly number[], keepDims = false): Tensor =>
  T.sum(a, typeof axes === "number" ? axes : [...axes], keepDims);
export const max = (a: TensorLike, axis: number, keepDims = false): Tensor => T.max(a, axis, keepDims);
export const logSumExp = (a: TensorLike, axis: number, keepDims = false): Tensor =>
  T.logSumExp(a, axis, keepDims);

/** Sums the rightmost `k` axes (k = 0 returns the input). */
export function sumRightmost(x: TensorLike, k: number): Tensor {
  const t = asTensor(x);
  if (k <= 0) return t;
  const nd = t.shape.length;
  const axes: number[] = [];
  for (let i = nd - k; i < nd; i++) axes.push(i);
  return sum(t, axes);
}

/** log(exp(a) + exp(b)), stable. */
export function logAddExp(a: TensorLike, b: TensorLike): Tensor {
  const m = maximum(a, b);
  const mSafe = where(isfinite(m), m, 0);
  return add(mSafe, log(add(exp(sub(a, mSafe)), exp(sub(b, mSafe)))));
}

/** log(1 − exp(x)) for x ≤ 0, stable on both sides of −log 2 and with finite gradients (`@phlox/tensor`'s). */
export function log1mexp(x: TensorLike): Tensor {
  return T.log1mexp(asTensor(x));
}

/** log Φ(x), the log standard normal CDF, accurate in the left tail. */
export function logNdtr(x: TensorLike): Tensor {
  const t = asTensor(x);
  return log(mul(0.5, erfc(div(neg(t), Math.SQRT2))));
}

/** Φ(x), the standard normal CDF. */
export const ndtr = (x: TensorLike): Tensor => mul(0.5, erfc(div(neg(x), Math.SQRT2)));

/** Last two axes swapped. */
export function matT(a: TensorLike): Tensor {
  const t = asTensor(a);
  const nd = t.shape.length;
  const perm = t.shape.map((_, i) => i);
  perm[nd - 1] = nd - 2;
  perm[nd - 2] = nd - 1;
  return transpose(t, perm);
}

/** Diagonal of the last two axes: `[..., n, n] → [..., n]` (a gather: n work, not n²). */
export function diagonal(a: TensorLike): Tensor {
  return T.diagonal(asTensor(a));
}

/**
 * Builds `[..., n, n]` diagonal matrices from `[..., n]`. The off-diagonal entries are exact zeros (a select,
 * not a product with the identity), so an infinite diagonal entry leaves its row and column 0, not NaN.
 */
export function diagEmbed(v: TensorLike): Tensor {
  const t = asTensor(v);
  const n = t.shape[t.shape.length - 1]!;
  return where(gt(eye(n), 0), reshape(t, [...t.shape, 1]), 0);
}

/** Constant lower-triangular mask (`k` = 0 keeps the diagonal, −1 strictly lower). */
export function trilMask(n: number, k = 0): Tensor {
  const data: number[][] = [];
  for (let i = 0; i < n; i++) {
    const row: number[] = [];
    for (let j = 0; j < n; j++) row.push(j <= i + k ? 1 : 0);
    data.push(row);
  }
  return T.tensor(data);
}

/** Matrix–vector product over batches: `[..., m, n] × [..., n] → [..., m]`. */
export function matvec(a: TensorLike, v: TensorLike): Tensor {
  const vt = asTensor(v);
  const r = matmul(a, reshape(vt, [...vt.shape, 1]));
  return reshape(r, r.shape.slice(0, -1));
}

/** Solves `L x = b` for vectors b `[..., n]` with lower-triangular L `[..., n, n]` (broadcast batch). */
export function solveTrilVec(L: TensorLike, b: TensorLike): Tensor {
  const Lt = asTensor(L);
  const bt = asTensor(b);
  const n = Lt.shape[Lt.shape.length - 1]!;
  if (Lt.shape.length === 2) {
    // one matrix for every right-hand side: solve L X = Bᵀ with B = b as rows, no copies of L
    const lead = bt.shape.slice(0, -1);
    const m = lead.reduce((p, d) => p * d, 1);
    const rhs = transpose(reshape(bt, [m, n]), [1, 0]);
    const x = triangularSolve(Lt, rhs, { lower: true });
    return reshape(transpose(x, [1, 0]), [...lead, n]);
  }
  const batch = broadcastBatch(Lt.shape.slice(0, -2), bt.shape.slice(0, -1));
  const Lb = broadcastTo(Lt, [...batch, n, n]);
  const bb = broadcastTo(reshape(bt, [...bt.shape, 1]), [...batch, n, 1]);
  const x = triangularSolve(Lb, bb, { lower: true });
  return reshape(x, [...batch, n]);
}

function broadcastBatch(a: readonly number[], b: readonly number[]): number[] {
  const nd = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < nd; i++) {
    const x = a[a.length - nd + i] ?? 1;
    const y = b[b.length - nd + i] ?? 1;
    out.push(x === 1 ? y : x);
  }
  return out;
}

// ---- randomness ----
export const splitKey = (k: Key, n: number): Key[] => T.split(k, n);
export const uniform = (k: Key, shape: readonly number[], minval = 0, maxval = 1): Tensor =>
  T.uniform(k, [...shape], { minval, maxval });
export const normal = (k: Key, shape: readonly number[]): Tensor => T.normal(k, [...shape]);
/** Standard Gamma(α, 1) draws of the given shape (α broadcast to it). */
/** Beta(a, b) draws (tensor's sampler: normalises in log space where both Gamma draws underflow). */
export const betaSample = (k: Key, a: TensorLike, b: TensorLike, shape: readonly number[]): Tensor =>
  T.beta(k, a, b, [...shape]);
/** Dirichlet draws `[...batch, K]` (tensor's sampler: normalises in log space where all draws underflow). */
export const dirichletSample = (k: Key, alpha: TensorLike, batch: readonly number[]): Tensor =>
  T.dirichlet(k, alpha, [...batch]);
export const gammaSample = (k: Key, alpha: TensorLike, shape: readonly number[]): Tensor =>
  T.gamma(k, broadcastTo(alpha, shape), [...shape]);
export const poissonSample = (k: Key, rate: TensorLike, shape: readonly number[]): Tensor =>
  T.poisson(k, broadcastTo(rate, shape), [...shape]);
export const binomialSample = (k: Key, n: TensorLike, p: TensorLike, shape: readonly number[]): Tensor =>
  T.binomial(k, broadcastTo(n, shape), broadcastTo(p, shape), [...shape]);
/** Categorical draws from logits `[..., K]`; result shape `shape` (the logits' batch, broadcast). */
export const categoricalSample = (k: Key, logits: TensorLike, shape: readonly number[]): Tensor => {
  const l = asTensor(logits);
  const K = l.shape[l.shape.length - 1]!;
  return toFloat(T.categorical(k, broadcastTo(l, [...shape, K]), [...shape]));
};

/** Reads a tensor's values (only for eager validation and tests, never in density code). */
export const values = (a: TensorLike): number[] =>
  Array.from(asTensor(a).dataSync() as ArrayLike<number>, Number);

/** `x[..., a:b]` along `axis` (negative counts from the end). */
export function sliceAxis(x: TensorLike, axis: number, a: number, b: number): Tensor {
  const t = asTensor(x);
  const nd = t.shape.length;
  const ax = axis < 0 ? nd + axis : axis;
  const start = t.shape.map(() => 0);
  const end = [...t.shape];
  start[ax] = a;
  end[ax] = b;
  return T.slice(t, start, end);
}

/** Stacks tensors of one shape along a new last axis. */
export function stackLast(xs: readonly TensorLike[]): Tensor {
  const ts = xs.map((x) => {
    const t = asTensor(x);
    return reshape(t, [...t.shape, 1]);
  });
  return concatenate(ts, -1);
}

/** The smallest positive normal float64 (NumPy's `finfo(float64).tiny`). */
export const FLOAT64_TINY = 2.2250738585072014e-308;
/** Machine epsilon of float64, 2⁻⁵² (NumPy's `finfo(float64).eps`). */
export const FLOAT64_EPS = 2.220446049250313e-16;

/** NumPy's `finfo(dtype)`: machine epsilon and smallest positive normal number of a float dtype. */
export function finfo(dtype: string): { eps: number; tiny: number } {
  return dtype === "float32"
    ? { eps: 1.1920928955078125e-7, tiny: 1.1754943508222875e-38 }
    : { eps: FLOAT64_EPS, tiny: FLOAT64_TINY };
}

/**
 * Probabilities clipped to [tiny, 1 − ε] of their dtype (NumPyro's `clamp_probs`), as NumPyro's Bernoulli and
 * Binomial log-densities do with `probs`: log p and log(1 − p) stay finite (in float64 at least log tiny ≈ −708.4
 * and log ε ≈ −36.04) when p is exactly 0 or 1; the gradient is 0 where clipped.
 */
export const clampProbs = (p: TensorLike): Tensor => {
  const t = asTensor(p);
  const { eps, tiny } = finfo(t.dtype);
  return minimum(maximum(t, tiny), 1 - eps);
};

/**
 * σ(x) clipped to [tiny, 1 − ε] of its dtype (NumPyro's `_clipped_expit`): the value stays strictly inside
 * (0, 1) for every finite x (plain float64 σ rounds to 1 from x ≈ 37 and to 0 below x ≈ −745); the gradient
 * is 0 where clipped.
 */
export const clippedSigmoid = (x: TensorLike): Tensor => clampProbs(sigmoid(x));

/**
 * log(1 − c) for c = {@link clippedSigmoid}(x), accurate for every x: −softplus(x) (no rounding of 1 − σ(x)),
 * floored at log ε where c is clipped to 1 − ε.
 */
export const log1mClippedSigmoid = (x: TensorLike): Tensor => {
  const t = asTensor(x);
  return maximum(neg(softplus(t)), Math.log(finfo(t.dtype).eps));
};

/** log c for c = {@link clippedSigmoid}(x), without forming c: −softplus(−x) clipped to [log tiny, log(1 − ε)]. */
export const logClippedSigmoid = (x: TensorLike): Tensor => {
  const t = asTensor(x);
  const { eps, tiny } = finfo(t.dtype);
  return minimum(maximum(neg(softplus(neg(t))), Math.log(tiny)), Math.log1p(-eps));
};

/**
 * The value of `value` with the derivative of `gradOf` (the two are one function computed two ways: `value`
 * the accurate one, `gradOf` the one whose derivative, e.g. NumPyro's, is wanted off the constraint set).
 * The value is `value` itself, not gradOf + (value − gradOf), which would round a tiny `value` to gradOf's
 * rounding noise.
 */
export const valueWithGradOf = (value: TensorLike, gradOf: TensorLike): Tensor =>
  add(stopGradient(value), sub(gradOf, stopGradient(gradOf)));

/**
 * asinh(x) = log(x + √(x² + 1)), accurate for every x: log1p(x + x²/(1 + √(1 + x²))) for |x| < 1 (derivative 1
 * at 0), sign(x)·(log|x| + log1p(√(1 + 1/x²))) beyond (no overflow of x²). Each branch sees a harmless operand
 * where it is not taken, so its derivative is never NaN.
 */
export function asinh(x: TensorLike): Tensor {
  const t = asTensor(x);
  const big = ge(abs(t), 1);
  const tb = where(big, t, 1);
  const ts = where(big, 0, t);
  const ab = abs(tb);
  const r = div(1, ab);
  const large = mul(sign(tb), add(log(ab), log1p(sqrt(add(1, mul(r, r))))));
  const small = log1p(add(ts, div(mul(ts, ts), add(1, sqrt(add(1, mul(ts, ts)))))));
  return where(big, large, small);
}

/** atanh(x) = ½(log1p(x) − log1p(−x)). */
export const atanh = (x: TensorLike): Tensor => mul(0.5, sub(log1p(x), log1p(neg(x))));

/** Index tensor (int32) from plain integers. */
export const indexTensor = (idx: readonly number[]): Tensor => T.tensor([...idx], { dtype: "int32" });
