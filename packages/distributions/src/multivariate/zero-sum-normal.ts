import { type Constraint, positive } from "../constraints/constraint.js";
import { type ZeroSum, zeroSum } from "../constraints/zero-sum.js";
import { Normal } from "../continuous/normal.js";
import type { DistributionOptions } from "../distribution.js";
import {
  asTensor,
  broadcastTo,
  mul,
  reshape,
  ShapeError,
  square,
  type Tensor,
  type TensorLike,
  toFloat,
  zeros,
} from "../internal/ops.js";
import { TransformedDistribution } from "../meta/transformed-distribution.js";
import { ZeroSumTransform } from "../transforms/zero-sum.js";

/**
 * ZeroSumNormal(σ, eventShape): a Normal whose rightmost `eventShape.length` axes each sum to zero
 * (NumPyro's ZeroSumNormal, after PyMC) — N(0, σ²(I − J/n)) along each such axis. It is
 * Normal(0, σ) on shape `eventShape − 1` pushed through {@link ZeroSumTransform}.
 * `scale` may carry a batch shape (it becomes the batch shape); NumPyro expects a scalar there.
 * @param scale - σ > 0 before the constraint is applied.
 * @param eventShape - the event shape; every axis of it sums to zero.
 * @example
 * new ZeroSumNormal(1, [4]).variance.toArray(); // → [0.75, 0.75, 0.75, 0.75]
 */
export class ZeroSumNormal extends TransformedDistribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = { scale: positive };
  static readonly reparametrizedParams = ["scale"];
  readonly scale: Tensor;
  constructor(scale: TensorLike, eventShape: readonly number[], options?: DistributionOptions) {
    if (eventShape.length === 0 || eventShape.some((n) => !Number.isInteger(n) || n < 2)) {
      throw new ShapeError(
        "distribution-shape",
        `ZeroSumNormal: eventShape must be a non-empty list of integers ≥ 2, got [${eventShape.join(", ")}].`,
      );
    }
    const s = toFloat(asTensor(scale));
    const k = eventShape.length;
    const inner = eventShape.map((n) => n - 1);
    const base = new Normal(0, reshape(s, [...s.shape, ...inner.map(() => 1)]))
      .expand([...s.shape, ...inner])
      .toEvent(k);
    super(base, new ZeroSumTransform(k), options);
    this.scale = s;
    this.validateParams({ scale: s });
  }
  override get support(): ZeroSum {
    return zeroSum(this.eventShape.length);
  }
  override get mean(): Tensor {
    return zeros(this.shape());
  }
  /** σ² Πᵢ (1 − 1/nᵢ) for every entry. */
  override get variance(): Tensor {
    const factor = this.eventShape.reduce((f, n) => f * (1 - 1 / n), 1);
    const v = mul(square(this.scale), factor);
    return broadcastTo(reshape(v, [...v.shape, ...this.eventShape.map(() => 1)]), this.shape());
  }
}
