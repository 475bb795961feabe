import type { Tensor, TensorLike } from "../core/tensor.js";
import { promote2 } from "../internal/elementwise.js";
import { add } from "../primitives/add.js";
import { eq } from "../primitives/eq.js";
import { gt } from "../primitives/gt.js";
import { log } from "../primitives/log.js";
import { log1p } from "../primitives/log1p.js";
import { logicalAnd } from "../primitives/logical-and.js";
import { lt } from "../primitives/lt.js";
import { mul } from "../primitives/mul.js";
import { where } from "../primitives/select.js";

/**
 * x·g(y) with 0·g(y) = +0 wherever x = 0, and JAX's derivatives: ∂/∂x = g(y) everywhere (also at x = 0),
 * ∂/∂y = x·g′(y). `lo < y < ∞` is where g is finite; at x = 0 and y outside it, y is replaced by `safe`, so
 * the value is 0 and no derivative is NaN (∂/∂x is then 0, where JAX gives ±∞ or NaN).
 * The value is the sum of two selections on x = 0: 0 + x·g(y) keeps x·g(y)'s derivatives on both sides of
 * the switch, and +0 as the value at x = 0 (x·g(y) alone would give −0 where g(y) < 0).
 */
function xTimes(a: Tensor, b: Tensor, g: (t: Tensor) => Tensor, lo: number, safe: number): Tensor {
  const zero = eq(a, 0);
  const ok = logicalAnd(gt(b, lo), lt(b, Number.POSITIVE_INFINITY));
  const ag = mul(a, g(where(zero, where(ok, b, safe), b)));
  return add(where(zero, 0, ag), where(zero, ag, 0));
}

/**
 * x·log(y) with 0·log(y) = 0 for any y (0·log 0 included), broadcasting, as `jax.scipy.special.xlogy`
 * (scipy's gives NaN for y = NaN).
 * Derivatives are JAX's: ∂/∂x = log y, also at x = 0 (a Gamma or Beta shape of exactly 1 gets its gradient),
 * and ∂/∂y = x / y, which is 0 where x = 0 (no NaN at y = 0).
 * @example
 * xlogy([0, 2], [0, 1]).toArray(); // → [0, 0]
 */
export function xlogy(x: TensorLike, y: TensorLike): Tensor {
  const [a, b] = promote2(x, y, "xlogy", true);
  return xTimes(a, b, log, 0, 1);
}

/**
 * x·log(1 + y) with 0·log1p(y) = 0 for any y, broadcasting, as `jax.scipy.special.xlog1py`. Derivatives are
 * JAX's: ∂/∂x = log1p y, also at x = 0, and ∂/∂y = x / (1 + y), 0 where x = 0.
 * @example
 * xlog1py([0, 1], [-1, 0]).toArray(); // → [0, 0]
 */
export function xlog1py(x: TensorLike, y: TensorLike): Tensor {
  const [a, b] = promote2(x, y, "xlog1py", true);
  return xTimes(a, b, log1p, -1, 0);
}
