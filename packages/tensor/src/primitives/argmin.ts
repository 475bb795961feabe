import type { Tensor, TensorLike } from "../core/tensor.js";
import { argReduce, defineArgReduce } from "../internal/arg-reduce.js";

/** The `argmin` primitive: int32 index of the first minimum along `axis` (NaN counts as the minimum). */
export const argminP = /* @__PURE__ */ defineArgReduce("argmin", (v, best) => v < best);

/**
 * Index of the minimum along `axis` (over the flattened tensor when omitted), as int32.
 * @example
 * argmin([3, 9, 1]).item(); // → 2
 */
export function argmin(x: TensorLike, axis?: number, keepDims = false): Tensor {
  return argReduce(argminP, x, axis, keepDims);
}
