import type { Tensor, TensorLike } from "../core/tensor.js";
import { bind1, defineUnary } from "../internal/elementwise.js";
import { mul } from "./mul.js";
import { sub } from "./sub.js";

/** The `tanh` primitive. */
export const tanhP = /* @__PURE__ */ defineUnary("tanh", Math.tanh, {
  vjp: (g, [_x], y) => [mul(g, sub(1, mul(y, y)))],
});

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
