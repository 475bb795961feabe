import {
  type Constraint,
  corrCholesky,
  corrMatrix,
  independent,
  positive,
  unitInterval,
} from "../constraints/constraint.js";
import { Beta } from "../continuous/beta.js";
import type { DistributionOptions } from "../distribution.js";
import type { Tensor, TensorLike } from "../internal/ops.js";
import { type CopulaCorrelation, GaussianCopula } from "./gaussian-copula.js";

/**
 * {@link GaussianCopula} with Beta(`concentration1`, `concentration0`) marginals (NumPyro's
 * `GaussianCopulaBeta`): vectors in [0, 1]^d whose coordinates are Beta-distributed and coupled by a
 * Gaussian copula with correlation R.
 * @param concentration1 - α > 0, `[..., d]`.
 * @param concentration0 - β > 0, `[..., d]`.
 * @param correlation - `{ correlationMatrix }` or `{ correlationCholesky }`, `[..., d, d]`.
 * @example
 * new GaussianCopulaBeta([1, 1], [1, 1], { correlationMatrix: [[1, 0], [0, 1]] }).logProb([0.3, 0.6]).item(); // → 0
 */
export class GaussianCopulaBeta extends GaussianCopula {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {
    concentration1: positive,
    concentration0: positive,
    correlationMatrix: corrMatrix,
    correlationCholesky: corrCholesky,
  };
  constructor(
    concentration1: TensorLike,
    concentration0: TensorLike,
    correlation: CopulaCorrelation,
    options?: DistributionOptions,
  ) {
    super(new Beta(concentration1, concentration0, options), correlation, options);
  }
  /** α, with the marginal's batch shape. */
  get concentration1(): Tensor {
    return (this.marginalDist as Beta).concentration1;
  }
  /** β, with the marginal's batch shape. */
  get concentration0(): Tensor {
    return (this.marginalDist as Beta).concentration0;
  }
  override get support(): Constraint {
    return independent(unitInterval, 1);
  }
}
