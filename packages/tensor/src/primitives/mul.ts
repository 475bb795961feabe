import type { VjpRule } from "../core/primitive.js";
import type { Tensor, TensorLike } from "../core/tensor.js";
import { bind2, defineBinary } from "../internal/elementwise.js";

/** The `mul` primitive (operands of identical shape and dtype). */
export const mulP = /* @__PURE__ */ defineBinary("mul", (a, b) => a * b, {});

/** VJP rule of `mul` (autodiff attaches it on first use: apps that never differentiate do not bundle it). */
export const mulVjpRule: VjpRule<"mul"> = (g, [x, y], _out, _p, needs) => [
  needs[0] ? mul(g, y) : null,
  needs[1] ? mul(g, x) : null,
];

/**
 * Elementwise product x·y with NumPy broadcasting.
 * @param x - tensor or JS number/array.
 * @param y - tensor or JS number/array; broadcast against `x`.
 * @returns a tensor of the broadcast shape.
 * @throws ShapeError naming both shapes when they do not broadcast.
 * @example
 * mul([1, 2], [3, 4]).toArray(); // → [3, 8]
 */
export function mul(x: TensorLike, y: TensorLike): Tensor {
  return bind2(mulP, x, y);
}
