import { type Constraint, openInterval, positive } from "../constraints/constraint.js";
import type { DistributionOptions } from "../distribution.js";
import { mul, sub, type Tensor, type TensorLike } from "../internal/ops.js";
import { promote } from "../internal/util.js";
import { Beta } from "./beta.js";

/**
 * Beta parametrised by its mean μ ∈ (0, 1) and concentration κ: Beta(μκ, (1−μ)κ).
 * @example
 * new BetaProportion(0.25, 8).concentration1.item(); // → 2
 */
export class BetaProportion extends Beta {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {
    mean: openInterval(0, 1),
    concentration: positive,
  };
  readonly concentration: Tensor;
  private readonly meanParam: Tensor;
  constructor(mean: TensorLike, concentration: TensorLike, options?: DistributionOptions) {
    const { ps } = promote("BetaProportion", mean, concentration);
    const [m, c] = ps as [Tensor, Tensor];
    super(mul(m, c), mul(sub(1, m), c), options);
    this.validateParams({ mean: m, concentration: c });
    this.meanParam = m;
    this.concentration = c;
  }
  override get mean(): Tensor {
    return this.meanParam;
  }
}
