import { type Tensor, type TensorLike, toTensor } from "../core/tensor.js";
import { maximum } from "../primitives/maximum.js";
import { minimum } from "../primitives/minimum.js";
import { mul } from "../primitives/mul.js";

/**
 * Elementwise x².
 * @example
 * square([3]).toArray(); // → [9]
 */
export function square(x: TensorLike): Tensor {
  const t = toTensor(x);
  return mul(t, t);
}

/**
 * Limits x to [lo, hi] elementwise (`null` leaves that side open); the gradient is 1 inside, 0 outside.
 * @example
 * clamp([-2, 0.5, 3], 0, 1).toArray(); // → [0, 0.5, 1]
 */
export function clamp(x: TensorLike, lo: TensorLike | null, hi: TensorLike | null): Tensor {
  let t = toTensor(x);
  if (lo !== null) t = maximum(t, lo);
  if (hi !== null) t = minimum(t, hi);
  return t;
}
