import type { VjpRule } from "../core/primitive.js";
import type { Tensor, TensorLike } from "../core/tensor.js";
import { bind1, defineUnary } from "../internal/elementwise.js";
import { div } from "./div.js";
import { mul } from "./mul.js";

/** The `sqrt` primitive. */
export const sqrtP = /* @__PURE__ */ defineUnary("sqrt", Math.sqrt, {});

/** VJP rule of `sqrt` (autodiff attaches it on first use: apps that never differentiate do not bundle it). */
export const sqrtVjpRule: VjpRule<"sqrt"> = (g, [_x], y) => [div(g, mul(y, 2))];

/**
 * Elementwise square root.
 * @param x - tensor of any shape.
 * @returns a tensor of the same shape.
 * @example
 * sqrt([4]).toArray(); // → [2]
 */
export function sqrt(x: TensorLike): Tensor {
  return bind1(sqrtP, x);
}
