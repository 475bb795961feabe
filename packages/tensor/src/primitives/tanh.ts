import type { VjpRule } from "../core/primitive.js";
import type { Tensor, TensorLike } from "../core/tensor.js";
import { bind1, defineUnary } from "../internal/elementwise.js";
import { mul } from "./mul.js";
import { sub } from "./sub.js";

/** The `tanh` primitive. */
export const tanhP = /* @__PURE__ */ defineUnary("tanh", Math.tanh, {});

/** VJP rule of `tanh` (autodiff attaches it on first use: apps that never differentiate do not bundle it). */
export const tanhVjpRule: VjpRule<"tanh"> = (g, [_x], y) => [mul(g, sub(1, mul(y, y)))];

/**
 * Elementwise hyperbolic tangent.
 * @param x - tensor of any shape.
 * @returns a tensor of the same shape.
 * @example
 * tanh([0]).toArray(); // → [0]
 */
export function tanh(x: TensorLike): Tensor {
  return bind1(tanhP, x);
}
