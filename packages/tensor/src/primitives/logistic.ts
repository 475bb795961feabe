import type { VjpRule } from "../core/primitive.js";
import type { Tensor, TensorLike } from "../core/tensor.js";
import { bind1, defineUnary } from "../internal/elementwise.js";
import { logisticScalar } from "../special/elementary.js";
import { mul } from "./mul.js";
import { sub } from "./sub.js";

/** The `logistic` primitive. */
export const logisticP = /* @__PURE__ */ defineUnary("logistic", logisticScalar, {});

/** VJP rule of `logistic` (autodiff attaches it on first use: apps that never differentiate do not bundle it). */
export const logisticVjpRule: VjpRule<"logistic"> = (g, [_x], y) => [mul(g, mul(y, sub(1, y)))];

/**
 * Elementwise logistic sigmoid 1/(1 + e⁻ˣ), computed without overflow.
 * @param x - tensor of any shape.
 * @returns a tensor of the same shape.
 * @example
 * logistic([0]).toArray(); // → [0.5]
 */
export function logistic(x: TensorLike): Tensor {
  return bind1(logisticP, x);
}
