import { boolean, type Constraint, real, unitInterval } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import { logitOf, type ProbsOrLogits, probsOrLogits } from "../internal/bernoulli-helpers.js";
import {
  add,
  asTensor,
  broadcastTo,
  clampProbs,
  type Key,
  lt,
  mul,
  neg,
  reshape,
  sigmoid,
  softplus,
  sub,
  type Tensor,
  type TensorLike,
  toFloat,
  uniform,
  xlog1py,
  xlogy,
} from "../internal/ops.js";
import { promote } from "../internal/util.js";

/**
 * Bernoulli over {0, 1} with `probs` p or `logits` l: log p(x) = x·l − softplus(l).
 * @param p - probabilities, or `{ probs }` / `{ logits }`.
 * @example
 * new Bernoulli({ logits: 0 }).logProb(1).item(); // → -0.6931471805599453
 */
export class Bernoulli extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {
    probs: unitInterval,
    logits: real,
  };
  static override readonly support: Constraint = boolean;
  static override readonly hasEnumerateSupport = true;
  private readonly param: Tensor;
  private readonly isLogits: boolean;
  constructor(p: TensorLike | ProbsOrLogits, options?: DistributionOptions) {
    const { value, isLogits } = probsOrLogits("Bernoulli", p);
    const { ps, batchShape } = promote("Bernoulli", value);
    super(batchShape, [], options, isLogits ? { logits: ps[0] } : { probs: ps[0] });
    this.param = ps[0]!;
    this.isLogits = isLogits;
  }
  /** Success probability. */
  get probs(): Tensor {
    return this.isLogits ? sigmoid(this.param) : this.param;
  }
  /** Log-odds. */
  get logits(): Tensor {
    return this.isLogits ? this.param : logitOf(this.param);
  }
  override sample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return toFloat(lt(uniform(key, this.shape(sampleShape)), this.probs));
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    if (this.isLogits) return sub(mul(value, this.param), softplus(this.param));
    // probs clamped to [tiny, 1 − ε] as NumPyro's BernoulliProbs.log_prob does: p = 0 or 1 gives log tiny or log ε
    const p = clampProbs(this.param);
    return add(xlogy(value, p), xlog1py(sub(1, value), neg(p)));
  }
  override get mean(): Tensor {
    return this.probs;
  }
  override get variance(): Tensor {
    const p = this.probs;
    return mul(p, sub(1, p));
  }
  override entropy(): Tensor {
    const p = this.probs;
    return neg(add(xlogy(p, p), xlog1py(sub(1, p), neg(p))));
  }
  override enumerateSupport(expand = true): Tensor {
    const v = reshape(asTensor([0, 1]), [2, ...this.batchShape.map(() => 1)]);
    return expand ? broadcastTo(v, [2, ...this.batchShape]) : v;
  }
}
