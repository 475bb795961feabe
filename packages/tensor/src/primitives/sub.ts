import type { VjpRule } from "../core/primitive.js";
import type { Tensor, TensorLike } from "../core/tensor.js";
import { bind2, defineBinary } from "../internal/elementwise.js";
import { neg } from "./neg.js";

/** The `sub` primitive (operands of identical shape and dtype). */
export const subP = /* @__PURE__ */ defineBinary("sub", (a, b) => a - b, {});

/** VJP rule of `sub` (autodiff attaches it on first use: apps that never differentiate do not bundle it). */
export const subVjpRule: VjpRule<"sub"> = (g, _xy, _out, _p, needs) => [g, needs[1] ? neg(g) : null];

/**
 * Elementwise difference x − y with NumPy broadcasting.
 * @param x - tensor or JS number/array.
 * @param y - tensor or JS number/array; broadcast against `x`.
 * @returns a tensor of the broadcast shape.
 * @throws ShapeError naming both shapes when they do not broadcast.
 * @example
 * sub([1, 2], 1).toArray(); // → [0, 1]
 */
export function sub(x: TensorLike, y: TensorLike): Tensor {
  return bind2(subP, x, y);
}
