import { type Constraint, positive } from "../constraints/constraint.js";
import type { DistributionOptions } from "../distribution.js";
import { mul, type Tensor, type TensorLike } from "../internal/ops.js";
import { promote } from "../internal/util.js";
import { Gamma } from "./gamma.js";

/**
 * Chi-squared with `df` degrees of freedom: Gamma(df/2, 1/2).
 * @example
 * new Chi2(4).mean.item(); // → 4
 */
export class Chi2 extends Gamma {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = { df: positive };
  readonly df: Tensor;
  constructor(df: TensorLike, options?: DistributionOptions) {
    const { ps } = promote("Chi2", df);
    super(mul(ps[0]!, 0.5), 0.5, options);
    this.validateParams({ df: ps[0] });
    this.df = ps[0]!;
  }
}
