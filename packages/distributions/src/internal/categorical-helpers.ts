import {
  arange,
  asTensor,
  eq,
  gt,
  log,
  mul,
  reshape,
  type Tensor,
  type TensorLike,
  toFloat,
  where,
} from "./ops.js";

/** One-hot encoding of integer-valued `value` over `k` classes (float, trailing axis k). */
export function oneHot(value: TensorLike, k: number): Tensor {
  return toFloat(oneHotMask(value, k));
}

/** One-hot mask (bool, trailing axis k) of integer-valued `value` over `k` classes. */
export function oneHotMask(value: TensorLike, k: number): Tensor {
  const v = asTensor(value);
  return eq(reshape(v, [...v.shape, 1]), arange(k));
}

/**
 * log p with log 0 = −∞ and a zero (not NaN) gradient at p = 0: the zero entries never reach `log`, so a
 * zero cotangent there stays zero instead of becoming 0/0.
 */
export function logProbs(p: TensorLike): Tensor {
  const pos = gt(p, 0);
  return where(pos, log(where(pos, p, 1)), Number.NEGATIVE_INFINITY);
}

/**
 * Σ_k x_k·logp_k over the last axis with 0·(−∞) = 0: entries where x = 0 contribute exactly 0 (and no NaN
 * gradient), so a zero-probability category only matters when it is observed.
 */
export function dotLogProbs(x: TensorLike, logp: TensorLike): Tensor {
  const zero = eq(x, 0);
  return where(zero, 0, mul(x, where(zero, 0, logp)));
}
