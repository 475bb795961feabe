import type { VjpRule } from "../core/primitive.js";
import type { Tensor, TensorLike } from "../core/tensor.js";
import { bind1, defineUnary } from "../internal/elementwise.js";
import { div } from "./div.js";
import { mul } from "./mul.js";

/** The `rsqrt` primitive. */
export const rsqrtP = /* @__PURE__ */ defineUnary("rsqrt", (x) => 1 / Math.sqrt(x), {});

/** VJP rule of `rsqrt` (autodiff attaches it on first use: apps that never differentiate do not bundle it). */
export const rsqrtVjpRule: VjpRule<"rsqrt"> = (g, [x], y) => [mul(g, mul(div(y, x), -0.5))];

/**
 * Elementwise reciprocal square root, 1/√x.
 * @param x - tensor of any shape.
 * @returns a tensor of the same shape.
 * @example
 * rsqrt([4]).toArray(); // → [0.5]
 */
export function rsqrt(x: TensorLike): Tensor {
  return bind1(rsqrtP, x);
}
