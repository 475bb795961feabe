import { type Constraint, positive } from "../constraints/constraint.js";
import type { DistributionOptions } from "../distribution.js";
import { div, type Tensor, type TensorLike } from "../internal/ops.js";
import { promote } from "../internal/util.js";
import { GammaPoisson } from "./gamma-poisson.js";

/**
 * NegativeBinomial2(mean μ, concentration φ): GammaPoisson(φ, φ/μ), variance μ + μ²/φ.
 * @example
 * new NegativeBinomial2(3, 2).variance.item(); // → 7.5
 */
export class NegativeBinomial2 extends GammaPoisson {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {
    mean: positive,
    concentration: positive,
  };
  constructor(mean: TensorLike, concentration: TensorLike, options?: DistributionOptions) {
    const { ps } = promote("NegativeBinomial2", mean, concentration);
    const [m, c] = ps as [Tensor, Tensor];
    super(c, div(c, m), options);
    this.validateParams({ mean: m, concentration: c });
  }
}
