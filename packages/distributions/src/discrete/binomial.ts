import {
  type Constraint,
  type IntegerInterval,
  integerInterval,
  real,
  unitInterval,
} from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import {
  type CountedArgs,
  countedProbsArgs,
  logitOf,
  type ProbsOrLogits,
  type WithProbsOrLogits,
} from "../internal/bernoulli-helpers.js";
import {
  add,
  arange,
  binomialSample,
  broadcastTo,
  clampProbs,
  type Key,
  lgamma,
  mul,
  neg,
  PhloxError,
  reshape,
  sigmoid,
  softplus,
  sub,
  type Tensor,
  type TensorLike,
  values,
  xlog1py,
  xlogy,
} from "../internal/ops.js";
import { promote } from "../internal/util.js";

/**
 * Binomial(totalCount n, probs p | logits l): log p(k) = log C(n, k) + k log p + (n−k) log(1−p).
 * @example
 * new Binomial(2, 0.5).logProb(1).item(); // → -0.6931471805599453
 */
export class Binomial extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {
    totalCount: integerInterval(0, Number.POSITIVE_INFINITY),
    probs: unitInterval,
    logits: real,
  };
  static override readonly hasEnumerateSupport = true;
  readonly totalCount: Tensor;
  private readonly param: Tensor;
  private readonly isLogits: boolean;
  constructor(totalCount: TensorLike, p: TensorLike | ProbsOrLogits, options?: DistributionOptions);
  /** NumPyro's keyword form: `new Binomial({ totalCount, logits })`. */
  constructor(params: WithProbsOrLogits<"totalCount">, options?: DistributionOptions);
  constructor(...args: CountedArgs<"totalCount", DistributionOptions>) {
    const { first: totalCount, value, isLogits, options } = countedProbsArgs("Binomial", "totalCount", args);
    const { ps, batchShape } = promote("Binomial", totalCount, value);
    super(
      batchShape,
      [],
      options,
      isLogits ? { totalCount: ps[0], logits: ps[1] } : { totalCount: ps[0], probs: ps[1] },
    );
    [this.totalCount, this.param] = ps as [Tensor, Tensor];
    this.isLogits = isLogits;
  }
  override get support(): IntegerInterval {
    return integerInterval(0, this.totalCount);
  }
  get probs(): Tensor {
    return this.isLogits ? sigmoid(this.param) : this.param;
  }
  get logits(): Tensor {
    return this.isLogits ? this.param : logitOf(this.param);
  }
  override sample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return binomialSample(key, this.totalCount, this.probs, this.shape(sampleShape));
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const n = this.totalCount;
    const lc = sub(sub(lgamma(add(n, 1)), lgamma(add(value, 1))), lgamma(add(sub(n, value), 1)));
    if (this.isLogits) return add(lc, sub(mul(value, this.param), mul(n, softplus(this.param))));
    // probs clamped to [tiny, 1 − ε] as NumPyro's BinomialProbs.log_prob does
    const p = clampProbs(this.param);
    return add(lc, add(xlogy(value, p), xlog1py(sub(n, value), neg(p))));
  }
  override get mean(): Tensor {
    return mul(this.totalCount, this.probs);
  }
  override get variance(): Tensor {
    const p = this.probs;
    return mul(mul(this.totalCount, p), sub(1, p));
  }
  override enumerateSupport(expand = true): Tensor {
    const ns = values(this.totalCount);
    const n = ns[0] ?? 0;
    if (!ns.every((x) => x === n)) {
      throw new PhloxError(
        "distribution-enumerate",
        `Binomial.enumerateSupport: totalCount must be the same for every batch element (got ${ns.slice(0, 4).join(", ")}). ` +
          "Enumerate each group of equal counts separately.",
      );
    }
    const v = reshape(arange(n + 1), [n + 1, ...this.batchShape.map(() => 1)]);
    return expand ? broadcastTo(v, [n + 1, ...this.batchShape]) : v;
  }
}
