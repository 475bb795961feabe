import type { Tensor, TensorLike } from "../core/tensor.js";
import { toFloat, zerosLike } from "../internal/elementwise.js";
import { add } from "../primitives/add.js";
import { exp } from "../primitives/exp.js";
import { ge } from "../primitives/ge.js";
import { log1p } from "../primitives/log1p.js";
import { logistic } from "../primitives/logistic.js";
import { neg } from "../primitives/neg.js";
import { select } from "../primitives/select.js";

/**
 * softplus(x) = log(1 + eˣ), computed stably as max(x, 0) + log1p(e^{−|x|}).
 * @example
 * softplus([0]).toArray(); // → [0.6931471805599453]
 */
export function softplus(x: TensorLike): Tensor {
  const t = toFloat(x);
  // max and |·| as one selection on x ≥ 0: x + log1p(e⁻ˣ) there, log1p(eˣ) below, each analytic, so every
  // derivative is right at 0 too (the primitives' tie rules, max′(0) = ½ and sign(0) = 0, give the right
  // first derivative but a second derivative of 0 instead of ¼).
  const up = ge(t, 0);
  return add(select(up, t, zerosLike(t)), log1p(exp(select(up, neg(t), t))));
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
