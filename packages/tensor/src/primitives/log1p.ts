import type { VjpRule } from "../core/primitive.js";
import type { Tensor, TensorLike } from "../core/tensor.js";
import { bind1, defineUnary } from "../internal/elementwise.js";
import { add } from "./add.js";
import { div } from "./div.js";

/** The `log1p` primitive. */
export const log1pP = /* @__PURE__ */ defineUnary("log1p", Math.log1p, {});

/** VJP rule of `log1p` (autodiff attaches it on first use: apps that never differentiate do not bundle it). */
export const log1pVjpRule: VjpRule<"log1p"> = (g, [x], _y) => [div(g, add(x, 1))];

/**
 * Elementwise log(1 + x), accurate near zero.
 * @param x - tensor of any shape.
 * @returns a tensor of the same shape.
 * @example
 * log1p([0]).toArray(); // → [0]
 */
export function log1p(x: TensorLike): Tensor {
  return bind1(log1pP, x);
}
