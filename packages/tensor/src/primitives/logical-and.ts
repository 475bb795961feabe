import type { Tensor, TensorLike } from "../core/tensor.js";
import { bind2, defineBinary } from "../internal/elementwise.js";

/** The `logicalAnd` primitive (operands of identical shape and dtype). */
export const logicalAndP = /* @__PURE__ */ defineBinary("logicalAnd", (a, b) => (a && b ? 1 : 0), {
  nondiff: true,
  out: "bool",
});

/**
 * Elementwise logical and (non-zero is true) as a bool tensor.
 * @param x - tensor or JS number/array.
 * @param y - tensor or JS number/array; broadcast against `x`.
 * @returns a tensor of the broadcast shape.
 * @throws ShapeError naming both shapes when they do not broadcast.
 * @example
 * logicalAnd([true, true], [true, false]).toArray(); // → [true, false]
 */
export function logicalAnd(x: TensorLike, y: TensorLike): Tensor {
  return bind2(logicalAndP, x, y);
}
