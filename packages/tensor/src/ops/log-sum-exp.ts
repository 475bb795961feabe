import type { Tensor, TensorLike } from "../core/tensor.js";
import { toFloat, zerosLike } from "../internal/elementwise.js";
import { normAxes } from "../internal/reduce.js";
import { abs } from "../primitives/abs.js";
import { add } from "../primitives/add.js";
import { eq } from "../primitives/eq.js";
import { exp } from "../primitives/exp.js";
import { isfinite } from "../primitives/isfinite.js";
import { log } from "../primitives/log.js";
import { log1p } from "../primitives/log1p.js";
import { maximum } from "../primitives/maximum.js";
import { neg } from "../primitives/neg.js";
import { max } from "../primitives/reduce-max.js";
import { sum } from "../primitives/reduce-sum.js";
import { reshape } from "../primitives/reshape.js";
import { select, where } from "../primitives/select.js";
import { stopGradient } from "../primitives/stop-gradient.js";
import { sub } from "../primitives/sub.js";

/**
 * log Σ exp(x) over `axis` (all axes when omitted), stable: the maximum is subtracted first (and treated as a
 * constant for autodiff, so the gradient is the softmax). All −∞ gives −∞.
 * @example
 * logSumExp([0, 0]).item(); // → 0.6931471805599453
 */
export function logSumExp(x: TensorLike, axis?: number | readonly number[] | null, keepDims = false): Tensor {
  const t = toFloat(x);
  const axes = normAxes(axis, t.shape.length, "logSumExp");
  const m0 = stopGradient(max(t, axes, true));
  const m = select(isfinite(m0), m0, zerosLike(m0));
  const s = add(log(sum(exp(sub(t, m)), axes, true)), m);
  return keepDims
    ? s
    : reshape(
        s,
        t.shape.filter((_, i) => !axes.includes(i)),
      );
}

/**
 * log(eᵃ + eᵇ) elementwise, stable, with broadcasting.
 * @example
 * logaddexp(0, 0).item(); // → 0.6931471805599453
 */
export function logaddexp(a: TensorLike, b: TensorLike): Tensor {
  const x = toFloat(a);
  const y = toFloat(b);
  const m = maximum(x, y);
  const d = where(eq(x, y), 0, abs(sub(x, y)));
  return add(m, log1p(exp(neg(d))));
}

/**
 * log softmax(x) = x − logSumExp(x) along `axis` (default the last).
 * @example
 * logSoftmax([0, 0]).toArray(); // → [-0.6931471805599453, -0.6931471805599453]
 */
export function logSoftmax(x: TensorLike, axis = -1): Tensor {
  const t = toFloat(x);
  return sub(t, logSumExp(t, axis, true));
}

/**
 * softmax(x) = exp(x − logSumExp(x)) along `axis` (default the last).
 * @example
 * softmax([0, 0]).toArray(); // → [0.5, 0.5]
 */
export function softmax(x: TensorLike, axis = -1): Tensor {
  return exp(logSoftmax(x, axis));
}
