import type { Tensor, TensorLike } from "../core/tensor.js";
import { toFloat } from "../internal/elementwise.js";
import { abs } from "../primitives/abs.js";
import { add } from "../primitives/add.js";
import { exp } from "../primitives/exp.js";
import { log1p } from "../primitives/log1p.js";
import { logistic } from "../primitives/logistic.js";
import { maximum } from "../primitives/maximum.js";
import { neg } from "../primitives/neg.js";

/**
 * softplus(x) = log(1 + eˣ), computed stably as max(x, 0) + log1p(e^{−|x|}).
 * @example
 * softplus([0]).toArray(); // → [0.6931471805599453]
 */
export function softplus(x: TensorLike): Tensor {
  const t = toFloat(x);
  return add(maximum(t, 0), log1p(exp(neg(abs(t)))));
}

/**
 * The logistic sigmoid 1/(1 + e⁻ˣ) (the `logistic` primitive).
 * @example
 * sigmoid([0]).toArray(); // → [0.5]
 */
export function sigmoid(x: TensorLike): Tensor {
  return logistic(x);
}

/**
 * log σ(x) = −softplus(−x), stable for large |x|.
 * @example
 * logSigmoid([0]).toArray(); // → [-0.6931471805599453]
 */
export function logSigmoid(x: TensorLike): Tensor {
  return neg(softplus(neg(toFloat(x))));
}
