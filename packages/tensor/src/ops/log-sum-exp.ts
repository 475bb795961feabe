import type { Tensor, TensorLike } from "../core/tensor.js";
import { toFloat, zerosLike } from "../internal/elementwise.js";
import { normAxes } from "../internal/reduce.js";
import { add } from "../primitives/add.js";
import { eq } from "../primitives/eq.js";
import { exp } from "../primitives/exp.js";
import { ge } from "../primitives/ge.js";
import { isfinite } from "../primitives/isfinite.js";
import { log } from "../primitives/log.js";
import { log1p } from "../primitives/log1p.js";
import { ne } from "../primitives/ne.js";
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
  // max and |x − y| as one selection on x ≥ y, so that every derivative is right at x = y too (see softplus);
  // equal infinities give a NaN difference, replaced by 0 (log(eᵃ + eᵃ) = a ± ∞); a NaN input stays NaN.
  const up = ge(x, y);
  const diff = where(up, sub(x, y), sub(y, x));
  // (diff ≠ diff is isnan as a comparison, which WebGPU's fused kernels take; the JS code is the same)
  const d = where(ne(diff, diff), where(eq(x, y), 0, diff), diff);
  return add(where(up, x, y), log1p(exp(neg(d))));
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
