import type { Tensor, TensorLike } from "../core/tensor.js";
import { bind1, defineUnary } from "../internal/elementwise.js";
import { div } from "./div.js";

/** The `log` primitive. */
export const logP = /* @__PURE__ */ defineUnary("log", Math.log, { vjp: (g, [x], _y) => [div(g, x)] });

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
