import { type Tensor, type TensorLike, toTensor } from "../core/tensor.js";
import { toFloat } from "../internal/elementwise.js";
import { normAxes } from "../internal/reduce.js";
import { div } from "../primitives/div.js";
import { sum } from "../primitives/reduce-sum.js";
import { sqrt } from "../primitives/sqrt.js";
import { sub } from "../primitives/sub.js";
import { square } from "./square.js";

function count(t: Tensor, axes: readonly number[]): number {
  let n = 1;
  for (const a of axes) n *= t.shape[a];
  return n;
}

/**
 * Arithmetic mean over `axis` (all axes when omitted).
 * @example
 * mean([[1, 2], [3, 4]], 1).toArray(); // → [1.5, 3.5]
 */
export function mean(x: TensorLike, axis?: number | readonly number[] | null, keepDims = false): Tensor {
  const t = toFloat(toTensor(x));
  const axes = normAxes(axis, t.shape.length, "mean");
  return div(sum(t, axes, keepDims), count(t, axes));
}

/**
 * Variance over `axis` (all axes when omitted) with `ddof` delta degrees of freedom (0: population).
 * @example
 * variance([1, 2, 3, 4]).item(); // → 1.25
 */
export function variance(
  x: TensorLike,
  axis?: number | readonly number[] | null,
  keepDims = false,
  ddof = 0,
): Tensor {
  const t = toFloat(toTensor(x));
  const axes = normAxes(axis, t.shape.length, "variance");
  const d = sub(t, mean(t, axes, true));
  return div(sum(square(d), axes, keepDims), count(t, axes) - ddof);
}

/**
 * Standard deviation √variance over `axis` (all axes when omitted).
 * @example
 * std([1, 2, 3, 4]).item(); // → 1.118033988749895
 */
export function std(
  x: TensorLike,
  axis?: number | readonly number[] | null,
  keepDims = false,
  ddof = 0,
): Tensor {
  return sqrt(variance(x, axis, keepDims, ddof));
}
