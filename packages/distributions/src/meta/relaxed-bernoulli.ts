import { type Constraint, positive, real } from "../constraints/constraint.js";
import { Logistic } from "../continuous/logistic.js";
import type { DistributionOptions } from "../distribution.js";
import {
  type CountedArgs,
  countedProbsArgs,
  type ProbsOrLogits,
  type WithProbsOrLogits,
} from "../internal/bernoulli-helpers.js";
import { asTensor, div, log, log1p, neg, sub, type Tensor, type TensorLike } from "../internal/ops.js";
import { SigmoidTransform } from "../transforms/elementwise.js";
import { TransformedDistribution } from "./transformed-distribution.js";

/**
 * Relaxed (concrete) Bernoulli with `temperature` T and logits l: σ((l + L)/T) for L ~ Logistic(0, 1), a
 * reparameterisable relaxation of Bernoulli on (0, 1).
 * @example
 * new RelaxedBernoulli(0.5, { logits: 0 }).cdf(0.5).item(); // → 0.5
 */
export class RelaxedBernoulli extends TransformedDistribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {
    temperature: positive,
    logits: real,
  };
  static override readonly hasRsample = true;
  readonly temperature: Tensor;
  readonly logits: Tensor;
  constructor(temperature: TensorLike, p: TensorLike | ProbsOrLogits, options?: DistributionOptions);
  /** NumPyro's keyword form: `new RelaxedBernoulli({ temperature, logits })`. */
  constructor(params: WithProbsOrLogits<"temperature">, options?: DistributionOptions);
  constructor(...args: CountedArgs<"temperature", DistributionOptions>) {
    const {
      first: temperature,
      value,
      isLogits,
      options,
    } = countedProbsArgs("RelaxedBernoulli", "temperature", args);
    const v = asTensor(value);
    const logits = isLogits ? v : sub(log(v), log1p(neg(v)));
    const t = asTensor(temperature);
    super(new Logistic(div(logits, t), div(1, t), options), new SigmoidTransform(), options);
    this.temperature = t;
    this.logits = logits;
  }
}
