import type { VjpRule } from "../core/primitive.js";
import type { Tensor, TensorLike } from "../core/tensor.js";
import { bind1, defineUnary } from "../internal/elementwise.js";
import { div } from "./div.js";

/** The `log` primitive. */
export const logP = /* @__PURE__ */ defineUnary("log", Math.log, {});

/** VJP rule of `log` (autodiff attaches it on first use: apps that never differentiate do not bundle it). */
export const logVjpRule: VjpRule<"log"> = (g, [x], _y) => [div(g, x)];

/**
 * Elementwise natural logarithm (−∞ at 0, NaN below). For log(1 + x) near zero use {@link log1p}.
 * @param x - tensor of any shape.
 * @returns a tensor of the same shape.
 * @example
 * log([1]).toArray(); // → [0]
 */
export function log(x: TensorLike): Tensor {
  return bind1(logP, x);
}
