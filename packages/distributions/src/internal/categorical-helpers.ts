import { arange, asTensor, eq, reshape, type Tensor, type TensorLike, toFloat } from "./ops.js";

/** One-hot encoding of integer-valued `value` over `k` classes (float, trailing axis k). */
export function oneHot(value: TensorLike, k: number): Tensor {
  const v = asTensor(value);
  return toFloat(eq(reshape(v, [...v.shape, 1]), arange(k)));
}
