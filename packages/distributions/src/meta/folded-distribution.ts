import { type Constraint, nonnegative } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import { abs, type Key, logAddExp, neg, PhloxError, type Tensor, type TensorLike } from "../internal/ops.js";

/**
 * |X| for a univariate X ~ base: log p(y) = logaddexp(log p_base(y), log p_base(−y)) for y ≥ 0.
 * @example
 * new FoldedDistribution(new Normal(0, 1)).logProb(0).item(); // → -0.2257913526447274
 */
export class FoldedDistribution extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {};
  static override readonly support: Constraint = nonnegative;
  readonly baseDist: Distribution;
  constructor(base: Distribution, options?: DistributionOptions) {
    if (base.eventDim !== 0) {
      throw new PhloxError(
        "distribution-folded",
        "FoldedDistribution: the base distribution must be univariate.",
      );
    }
    super(base.batchShape, [], options ?? { validateArgs: base.validateArgs });
    this.baseDist = base;
  }
  override sample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return abs(this.baseDist.sample(key, sampleShape));
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    return logAddExp(this.baseDist.logProb(value), this.baseDist.logProb(neg(value)));
  }
}
