import type { Tensor, TensorLike } from "../core/tensor.js";
import { argReduce, defineArgReduce } from "../internal/arg-reduce.js";

/** The `argmax` primitive: int32 index of the first maximum along `axis` (NaN counts as the maximum). */
export const argmaxP = /* @__PURE__ */ defineArgReduce("argmax", (v, best) => v > best);

/**
 * Index of the maximum along `axis` (over the flattened tensor when omitted), as int32.
 * @example
 * argmax([3, 9, 1]).item(); // → 1
 */
export function argmax(x: TensorLike, axis?: number, keepDims = false): Tensor {
  return argReduce(argmaxP, x, axis, keepDims);
}
