import type { VjpRule } from "../core/primitive.js";
import type { Tensor, TensorLike } from "../core/tensor.js";
import { bind1, defineUnary } from "../internal/elementwise.js";
import { mul } from "./mul.js";
import { sign } from "./sign.js";

/** The `abs` primitive. */
export const absP = /* @__PURE__ */ defineUnary("abs", Math.abs, {
  out: "same",
});

/** VJP rule of `abs` (autodiff attaches it on first use: apps that never differentiate do not bundle it). */
export const absVjpRule: VjpRule<"abs"> = (g, [x], _y) => [mul(g, sign(x))];

/**
 * Elementwise absolute value (its derivative at 0 is taken as 0).
 * @param x - tensor of any shape.
 * @returns a tensor of the same shape.
 * @example
 * abs([-2]).toArray(); // → [2]
 */
export function abs(x: TensorLike): Tensor {
  return bind1(absP, x);
}
