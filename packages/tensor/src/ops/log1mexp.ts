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
 * @example
 * log1mexp([-Math.LN2]).toArray(); // → [-0.6931471805599453]
 */
export function log1mexp(x: TensorLike): Tensor {
  const t = toFloat(x);
  return where(gt(t, -Math.LN2), log(neg(expm1(t))), log1p(neg(exp(t))));
}
