import { type Constraint, positive, real, unitInterval } from "../constraints/constraint.js";
import type { DistributionOptions } from "../distribution.js";
import {
  type CountedArgs,
  countedProbsArgs,
  type ProbsOrLogits,
  type WithProbsOrLogits,
} from "../internal/bernoulli-helpers.js";
import { div, exp, neg, sigmoid, sub, type Tensor, type TensorLike } from "../internal/ops.js";
import { promote } from "../internal/util.js";
import { GammaPoisson } from "./gamma-poisson.js";

/**
 * NegativeBinomial(totalCount r, probs p | logits): NumPyro's `NegativeBinomialProbs`/`Logits`, a
 * GammaPoisson(r, (1−p)/p) with mean r·p/(1−p).
 * @example
 * new NegativeBinomial(3, { probs: 0.5 }).mean.item(); // → 3
 */
export class NegativeBinomial extends GammaPoisson {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {
    totalCount: positive,
    probs: unitInterval,
    logits: real,
  };
  readonly totalCount: Tensor;
  readonly probs: Tensor;
  constructor(totalCount: TensorLike, p: TensorLike | ProbsOrLogits, options?: DistributionOptions);
  /** NumPyro's keyword form: `new NegativeBinomial({ totalCount, probs })`. */
  constructor(params: WithProbsOrLogits<"totalCount">, options?: DistributionOptions);
  constructor(...args: CountedArgs<"totalCount", DistributionOptions>) {
    const {
      first: totalCount,
      value,
      isLogits,
      options,
    } = countedProbsArgs("NegativeBinomial", "totalCount", args);
    const { ps } = promote("NegativeBinomial", totalCount, value);
    const [r, q] = ps as [Tensor, Tensor];
    const rate = isLogits ? exp(neg(q)) : div(sub(1, q), q);
    super(r, rate, options);
    this.validateParams(isLogits ? { totalCount: r, logits: q } : { totalCount: r, probs: q });
    this.totalCount = r;
    this.probs = isLogits ? sigmoid(q) : q;
  }
}
