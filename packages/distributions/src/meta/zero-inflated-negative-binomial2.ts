import { NegativeBinomial2 } from "../discrete/negative-binomial2.js";
import type { DistributionOptions } from "../distribution.js";
import type { ProbsOrLogits } from "../internal/bernoulli-helpers.js";
import type { TensorLike } from "../internal/ops.js";
import { ZeroInflatedDistribution } from "./zero-inflated-distribution.js";

/**
 * Zero-inflated NegativeBinomial2(mean, concentration) with zero probability `gate` (or `{ logits }`).
 * @example
 * new ZeroInflatedNegativeBinomial2(4, 2, 0.5).mean.item(); // → 2
 */
export class ZeroInflatedNegativeBinomial2 extends ZeroInflatedDistribution {
  constructor(
    mean: TensorLike,
    concentration: TensorLike,
    gate: TensorLike | ProbsOrLogits,
    options?: DistributionOptions,
  ) {
    super(new NegativeBinomial2(mean, concentration, options), gate, options);
  }
}
