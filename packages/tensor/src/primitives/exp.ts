import type { VjpRule } from "../core/primitive.js";
import type { Tensor, TensorLike } from "../core/tensor.js";
import { bind1, defineUnary } from "../internal/elementwise.js";
import { mul } from "./mul.js";

/** The `exp` primitive. */
export const expP = /* @__PURE__ */ defineUnary("exp", Math.exp, {});

/** VJP rule of `exp` (autodiff attaches it on first use: apps that never differentiate do not bundle it). */
export const expVjpRule: VjpRule<"exp"> = (g, [_x], y) => [mul(g, y)];

/**
 * Elementwise exponential, eˣ. For eˣ − 1 near zero use {@link expm1}.
 * @param x - tensor of any shape.
 * @returns a tensor of the same shape.
 * @example
 * exp([0]).toArray(); // → [1]
 */
export function exp(x: TensorLike): Tensor {
  return bind1(expP, x);
}
