import { oneHot } from "./categorical-helpers.js";
import {
  ConstraintError,
  categoricalSample,
  type Key,
  lgamma,
  sum,
  type Tensor,
  type TensorLike,
  values,
} from "./ops.js";

export function counts(key: Key, logits: Tensor, n: number, batch: readonly number[], k: number): Tensor {
  const draws = categoricalSample(key, logits, [n, ...batch]);
  return sum(oneHot(draws, k), 0);
}

export const scalarCount = (who: string, totalCount: TensorLike): number => {
  const vs = values(totalCount);
  const n = vs[0] ?? 0;
  if (!vs.every((v) => v === n) || !Number.isInteger(n) || n < 0) {
    throw new ConstraintError(
      "distribution-invalid-parameter",
      `${who}: totalCount must be one nonnegative integer shared by the batch (got ${vs.slice(0, 4).join(", ")}). ` +
        "Pass a single count, or build one distribution per count.",
    );
  }
  return n;
};

export const lgammaScalar = (x: number): Tensor => lgamma(x);
