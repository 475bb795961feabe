import {
  type Constraint,
  type MultinomialConstraint,
  multinomial,
  simplex,
} from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import {
  type CountedArgs,
  countedProbsArgs,
  type ProbsOrLogits,
  type WithProbsOrLogits,
} from "../internal/bernoulli-helpers.js";
import { dotLogProbs, logProbs } from "../internal/categorical-helpers.js";
import { counts, lgammaScalar, scalarCount } from "../internal/multinomial-helpers.js";
import {
  add,
  asTensor,
  exp,
  type Key,
  lgamma,
  logSumExp,
  mul,
  sub,
  sum,
  type Tensor,
  type TensorLike,
  toFloat,
} from "../internal/ops.js";

/**
 * Multinomial(totalCount n, probs p `[..., K]` | logits): counts of n categorical draws;
 * log p(x) = log n! − Σ log xᵢ! + Σ xᵢ log pᵢ.
 * @example
 * new Multinomial(2, { probs: [0.5, 0.5] }).logProb([1, 1]).item(); // → -0.6931471805599453
 */
export class Multinomial extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = { probs: simplex };
  readonly totalCount: number;
  private readonly logitsN: Tensor;
  constructor(totalCount: TensorLike, p: TensorLike | ProbsOrLogits, options?: DistributionOptions);
  /** NumPyro's keyword form: `new Multinomial({ totalCount, probs })`. */
  constructor(params: WithProbsOrLogits<"totalCount">, options?: DistributionOptions);
  constructor(...args: CountedArgs<"totalCount", DistributionOptions>) {
    const {
      first: totalCount,
      value,
      isLogits,
      options,
    } = countedProbsArgs("Multinomial", "totalCount", args);
    const t = toFloat(asTensor(value));
    super(t.shape.slice(0, -1), t.shape.slice(-1), options, isLogits ? {} : { probs: t });
    this.totalCount = scalarCount("Multinomial", totalCount);
    this.logitsN = isLogits ? sub(t, logSumExp(t, -1, true)) : logProbs(t);
  }
  override get support(): MultinomialConstraint {
    return multinomial(this.totalCount);
  }
  get probs(): Tensor {
    return exp(this.logitsN);
  }
  override sample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return counts(
      key,
      this.logitsN,
      this.totalCount,
      [...sampleShape, ...this.batchShape],
      this.eventShape[0]!,
    );
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const n = this.totalCount;
    const x = asTensor(value);
    return add(sub(lgammaScalar(n + 1), sum(lgamma(add(x, 1)), -1)), sum(dotLogProbs(x, this.logitsN), -1));
  }
  override get mean(): Tensor {
    return mul(this.probs, this.totalCount);
  }
  override get variance(): Tensor {
    const p = this.probs;
    return mul(mul(p, sub(1, p)), this.totalCount);
  }
}
