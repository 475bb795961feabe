import { type Constraint, positive, real } from "../constraints/constraint.js";
import { Cauchy } from "../continuous/cauchy.js";
import type { DistributionOptions } from "../distribution.js";
import type { TensorLike } from "../internal/ops.js";
import type { TruncationBounds } from "../internal/truncated-helpers.js";
import { TruncatedDistribution } from "./truncated-distribution.js";

/**
 * Cauchy(loc, scale) truncated to [low, high] (either optional).
 * @example
 * new TruncatedCauchy(0, 1, { low: 0 }).cdf(1).item(); // → 0.5
 */
export class TruncatedCauchy extends TruncatedDistribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {
    loc: real,
    scale: positive,
    low: real,
    high: real,
  };
  constructor(loc: TensorLike, scale: TensorLike, bounds: TruncationBounds, options?: DistributionOptions) {
    super(new Cauchy(loc, scale, options), bounds, options);
  }
}
