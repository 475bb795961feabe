import type { Tensor, TensorLike } from "../core/tensor.js";
import { bind2, defineBinary } from "../internal/elementwise.js";

/** The `ne` primitive (operands of identical shape and dtype). */
export const neP = /* @__PURE__ */ defineBinary("ne", (a, b) => (a !== b ? 1 : 0), {
  nondiff: true,
  out: "bool",
});

/**
 * Elementwise x ≠ y as a bool tensor.
 * @param x - tensor or JS number/array.
 * @param y - tensor or JS number/array; broadcast against `x`.
 * @returns a tensor of the broadcast shape.
 * @throws ShapeError naming both shapes when they do not broadcast.
 * @example
 * ne([3, 1], 3).toArray(); // → [false, true]
 */
export function ne(x: TensorLike, y: TensorLike): Tensor {
  return bind2(neP, x, y);
}
