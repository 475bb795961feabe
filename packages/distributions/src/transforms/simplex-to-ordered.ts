import { type Constraint, orderedVector, simplex } from "../constraints/constraint.js";
import {
  add,
  asTensor,
  concatenate,
  cumsum,
  log,
  log1p,
  neg,
  ones,
  reshape,
  sigmoid,
  sliceAxis,
  softplus,
  sub,
  sum,
  type Tensor,
  type TensorLike,
  toFloat,
  zeros,
} from "../internal/ops.js";
import { Transform } from "./transform.js";

/**
 * Simplex → ordered vector (NumPyro's `SimplexToOrderedTransform`, after Betancourt's ordinal-regression case
 * study): cutpoints yᵢ = logit(x₁ + … + xᵢ) + anchor for i < K, so a K-simplex of category probabilities gives
 * K − 1 increasing cutpoints. The inverse takes differences of the logistic CDF at the cutpoints.
 * log|det J| = Σᵢ softplus(yᵢ) + softplus(−yᵢ), exactly as NumPyro 0.21 returns it: evaluated at y, not at
 * y − anchor, so it is the true log-Jacobian only for a zero anchor (kept for parity).
 * @param anchorPoint - the anchor, broadcast against `x.shape[:-1]` (default 0).
 * @example
 * new SimplexToOrderedTransform().forward([0.5, 0.5]).toArray(); // → [0]
 */
export class SimplexToOrderedTransform extends Transform {
  readonly anchorPoint: Tensor;
  constructor(anchorPoint: TensorLike = 0) {
    super();
    this.anchorPoint = toFloat(asTensor(anchorPoint));
  }
  get domain(): Constraint {
    return simplex;
  }
  get codomain(): Constraint {
    return orderedVector;
  }
  private get anchor(): Tensor {
    return reshape(this.anchorPoint, [...this.anchorPoint.shape, 1]);
  }
  forward(x: TensorLike): Tensor {
    const t = asTensor(x);
    const k = t.shape.at(-1)!;
    const s = cumsum(sliceAxis(t, -1, 0, k - 1), -1);
    return add(sub(log(s), log1p(neg(s))), this.anchor);
  }
  inverse(y: TensorLike): Tensor {
    const s = sigmoid(sub(y, this.anchor));
    const lead = s.shape.slice(0, -1);
    const padded = concatenate([zeros([...lead, 1]), s, ones([...lead, 1])], -1);
    const m = padded.shape.at(-1)!;
    return sub(sliceAxis(padded, -1, 1, m), sliceAxis(padded, -1, 0, m - 1));
  }
  logAbsDetJacobian(_x: TensorLike, y: TensorLike): Tensor {
    return sum(add(softplus(y), softplus(neg(y))), -1);
  }
  override forwardShape(shape: readonly number[]): number[] {
    return [...shape.slice(0, -1), shape.at(-1)! - 1];
  }
  override inverseShape(shape: readonly number[]): number[] {
    return [...shape.slice(0, -1), shape.at(-1)! + 1];
  }
}
