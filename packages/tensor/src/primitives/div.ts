import type { VjpRule } from "../core/primitive.js";
import type { Tensor, TensorLike } from "../core/tensor.js";
import { bind2, defineBinary } from "../internal/elementwise.js";
import { mul } from "./mul.js";
import { neg } from "./neg.js";

/** The `div` primitive (operands of identical shape and dtype). */
export const divP = /* @__PURE__ */ defineBinary("div", (a, b) => a / b, {});

/** VJP rule of `div` (autodiff attaches it on first use: apps that never differentiate do not bundle it). */
export const divVjpRule: VjpRule<"div"> = (g, [_x, y], out, _p, needs) => [
  needs[0] ? div(g, y) : null,
  needs[1] ? neg(div(mul(g, out), y)) : null,
];

/**
 * Elementwise true division x / y with NumPy broadcasting (integers promote to float64).
 * @param x - tensor or JS number/array.
 * @param y - tensor or JS number/array; broadcast against `x`.
 * @returns a tensor of the broadcast shape.
 * @throws ShapeError naming both shapes when they do not broadcast.
 * @example
 * div([1, 2], 2).toArray(); // → [0.5, 1]
 */
export function div(x: TensorLike, y: TensorLike): Tensor {
  return bind2(divP, x, y, true);
}
