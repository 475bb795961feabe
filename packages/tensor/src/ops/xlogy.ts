import type { Tensor, TensorLike } from "../core/tensor.js";
import { promote2 } from "../internal/elementwise.js";
import { eq } from "../primitives/eq.js";
import { log } from "../primitives/log.js";
import { log1p } from "../primitives/log1p.js";
import { mul } from "../primitives/mul.js";
import { where } from "../primitives/select.js";

/**
 * x·log(y) with 0·log(0) = 0 (and 0·log(y) = 0 for any y), broadcasting; the gradient with respect to y is
 * 0 where x = 0 (no NaN).
 * @example
 * xlogy([0, 2], [0, 1]).toArray(); // → [0, 0]
 */
export function xlogy(x: TensorLike, y: TensorLike): Tensor {
  const [a, b] = promote2(x, y, "xlogy", true);
  const zero = eq(a, 0);
  return where(zero, 0, mul(a, log(where(zero, 1, b))));
}

/**
 * x·log(1 + y) with 0·log1p(y) = 0, broadcasting.
 * @example
 * xlog1py([0, 1], [-1, 0]).toArray(); // → [0, 0]
 */
export function xlog1py(x: TensorLike, y: TensorLike): Tensor {
  const [a, b] = promote2(x, y, "xlog1py", true);
  const zero = eq(a, 0);
  return where(zero, 0, mul(a, log1p(where(zero, 0, b))));
}
