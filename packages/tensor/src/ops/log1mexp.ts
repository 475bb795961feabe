import type { Tensor, TensorLike } from "../core/tensor.js";
import { toFloat } from "../internal/elementwise.js";
import { exp } from "../primitives/exp.js";
import { expm1 } from "../primitives/expm1.js";
import { gt } from "../primitives/gt.js";
import { log } from "../primitives/log.js";
import { log1p } from "../primitives/log1p.js";
import { neg } from "../primitives/neg.js";
import { where } from "../primitives/select.js";

/**
 * log(1 − eˣ) for x ≤ 0, accurate everywhere (Mächler 2012: log(−expm1(x)) above −log 2, log1p(−eˣ) below).
 * Each branch sees a harmless operand (−1) where it is not taken, so its derivative never meets 0·∞: just
 * below 0, log1p(−eˣ) would be log1p(−1) = −∞, and the untaken branch's zero cotangent times its infinite
 * derivative NaN.
 * @example
 * log1mexp([-Math.LN2]).toArray(); // → [-0.6931471805599453]
 */
export function log1mexp(x: TensorLike): Tensor {
  const t = toFloat(x);
  const near = gt(t, -Math.LN2);
  return where(near, log(neg(expm1(where(near, t, -1)))), log1p(neg(exp(where(near, -1, t)))));
}
