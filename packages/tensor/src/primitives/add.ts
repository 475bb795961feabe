import type { VjpRule } from "../core/primitive.js";
import type { Tensor, TensorLike } from "../core/tensor.js";
import { bind2, defineBinary } from "../internal/elementwise.js";

/** The `add` primitive (operands of identical shape and dtype). */
export const addP = /* @__PURE__ */ defineBinary("add", (a, b) => a + b, {});

/** VJP rule of `add` (autodiff attaches it on first use: apps that never differentiate do not bundle it). */
export const addVjpRule: VjpRule<"add"> = (g, [_x, _y], _out) => [g, g];

/**
 * Elementwise sum x + y with NumPy broadcasting.
 * @param x - tensor or JS number/array.
 * @param y - tensor or JS number/array; broadcast against `x`.
 * @returns a tensor of the broadcast shape.
 * @throws ShapeError naming both shapes when they do not broadcast.
 * @example
 * add([1, 2], 10).toArray(); // → [11, 12]
 */
export function add(x: TensorLike, y: TensorLike): Tensor {
  return bind2(addP, x, y);
}
